import IQCore

/// The steps whose parsing takes more than a few lines, one method each.
extension Parser {
  mutating func parseJoin() throws -> StepKind {
    // join_step = "join" [ "left" ] [ "many" ] source "on" join_condition
    // (`left` and `many` are words only where a table name follows them.)
    func modifier(_ word: String) -> Bool {
      // (The word first: at the end of the input there is no next token.)
      guard checkWord(word) else { return false }
      let next = tokens[pos + 1].kind
      guard next == .identifier || next == .quotedIdentifier || next == .string else { return false }
      pos += 1
      return true
    }
    let isLeft = modifier("left")
    let many = modifier("many")
    let source = try parseSource()
    guard accept(.on) else { throw expected("'on' and the columns to match, e.g. 'on area'") }
    // join_condition = name "==" name | name { "," name }
    let first = try parseName("a column to join on")
    if accept(.equal) {
      return .join(left: isLeft, source, .equal(first, try parseName("a column of the joined table")), many: many)
    } else {
      var names = [first]
      while accept(.comma) { names.append(try parseName("a column to join on")) }
      if check(.assign) {
        throw Diagnostic("'=' names a column; to match columns, write '=='", at: current.span)
      }
      return .join(left: isLeft, source, .columns(names), many: many)
    }
  }

  mutating func parseChart() throws -> StepKind {
    // chart_step = "chart" ( "bar" | "line" | "spc" ) expression "," expression [ "by" name ] [ "to" STRING ]
    guard current.kind == .identifier, let chartKind = ChartKind(rawValue: text(current).lowercased()) else {
      let help =
        current.kind == .identifier
        ? closest(to: text(current), in: ChartKind.allCases.map(\.rawValue)).map { "did you mean '\($0)'?" } : nil
      throw expected(
        "bar, line or spc after 'chart'", help: help ?? "chart bar LABEL, VALUE · chart line X, Y · chart spc X, Y")
    }
    pos += 1
    let x = try parseExpression()
    try expect(.comma, "',' between the two columns, e.g. chart \(chartKind.rawValue) month, total")
    let y = try parseExpression()
    var series: Name?
    if accept(.by) { series = try parseName("a column whose values name the series") }
    var path: FileName?
    if accept(.to) {
      guard current.kind == .string else { throw expected("a file name in quotes, e.g. to \"chart.svg\"") }
      let t = advance()
      path = FileName(text: try unescape(t), span: t.span)
    }
    return .chart(chartKind, x: x, y: y, series: series, path: path)
  }

  /// The word a step begins with; a habit from another language, or a
  /// near miss, is an error that says what to write.
  mutating func parseVerb() throws -> Verb {
    guard current.kind == .identifier else {
      throw expected("a step such as 'where' or 'summarize'")
    }
    let word = text(current)
    // `summarise`, as British English spells it, is `summarize`.
    guard let verb = Verb(rawValue: word.lowercased()) ?? (word.lowercased() == "summarise" ? .summarize : nil) else {
      if let habit = verbHabit(word, at: current.span) { throw habit }
      let guess = closest(to: word, in: Verb.allCases.map(\.rawValue))
      throw Diagnostic(
        "unknown verb '\(word)'", at: current.span,
        help: guess.map { "did you mean '\($0)'?" }
          ?? "the verbs are \(Verb.allCases.map(\.rawValue).joined(separator: ", "))",
        fix: guess.map { Diagnostic.Fix(current.span, $0) })
    }
    pos += 1
    return verb
  }
}
