import IQCore

extension Parser {
  /// step = from_step | where_step | derive_step | select_step | drop_step
  ///      | rename_step | summarize_step | sort_step | take_step | top_step
  ///      | join_step | distinct_step | count_step | append_step | save_step
  mutating func parseStep() throws -> Step {
    let start = current.span.start
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
    let kind: StepKind
    switch verb {
    case .from:
      // from_step = "from" source
      kind = .from(try parseSource())
    case .where:
      // where_step = "where" expression
      let e = try parseExpression()
      if check(.assign) {
        throw Diagnostic(
          "'=' names a column; to compare, write '=='", at: current.span, help: "where \(file.text(of: e.span)) == …",
          fix: Diagnostic.Fix(current.span, "=="))
      }
      kind = .where(e)
    case .derive:
      // derive_step = "derive" assignment { "," assignment } [ "by" by_list ]
      let items = try parseList { try $0.parseAssignment(named: true) }
      kind = .derive(items, by: try parseBy())
    case .select:
      // select_step = "select" select_item { "," select_item }
      if let habit = selectStarHabit(verbAt: pos - 1) { throw habit }
      kind = .select(try parseList { try $0.parseAssignment(named: false) })
    case .drop:
      // drop_step = "drop" name { "," name }
      kind = .drop(try parseList { try $0.parseName("a column to drop") })
    case .rename:
      // rename_step = "rename" name "=" name { "," name "=" name }
      kind = .rename(
        try parseList { p in
          let new = try p.parseName("the new name")
          try p.expect(.assign, "'=' in 'rename new = old'")
          return Renaming(new: new, old: try p.parseName("the column to rename"))
        })
    case .summarize:
      // summarize_step = "summarize" assignment { "," assignment } [ "by" by_list ]
      let items = try parseList { try $0.parseAssignment(named: false) }
      kind = .summarize(items, by: try parseBy())
    case .sort:
      // sort_step = "sort" sort_key { "," sort_key }
      kind = .sort(try parseList { try $0.parseSortKey(default: .asc) })
    case .take:
      // take_step = "take" expression
      kind = .take(try parseExpression())
    case .top:
      // top_step = "top" expression "by" sort_key
      let n = try parseExpression()
      guard accept(.by) else { throw expected("'by' in 'top N by column'") }
      kind = .top(n, try parseSortKey(default: .desc))
    case .join:
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
        kind = .join(left: isLeft, source, .equal(first, try parseName("a column of the joined table")), many: many)
      } else {
        var names = [first]
        while accept(.comma) { names.append(try parseName("a column to join on")) }
        if check(.assign) {
          throw Diagnostic("'=' names a column; to match columns, write '=='", at: current.span)
        }
        kind = .join(left: isLeft, source, .columns(names), many: many)
      }
    case .distinct:
      // distinct_step = "distinct" [ name { "," name } ]
      var names: [Name] = []
      if current.kind == .identifier || current.kind == .quotedIdentifier {
        names = try parseList { try $0.parseName() }
      }
      kind = .distinct(names)
    case .count:
      // count_step = "count"
      kind = .count
    case .append:
      // append_step = "append" source
      kind = .append(try parseSource())
    case .chart:
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
      kind = .chart(chartKind, x: x, y: y, series: series, path: path)
    case .save:
      // save_step = "save" STRING
      guard current.kind == .string else { throw expected("a file name in quotes, e.g. save \"out.csv\"") }
      let t = advance()
      kind = .save(try unescape(t), t.span)
    }
    return Step(verb: verb, kind: kind, span: Span(start, previousEnd))
  }

  /// source = name | STRING
  mutating func parseSource() throws -> SourceRef {
    if current.kind == .string {
      let t = advance()
      return .file(try unescape(t), t.span)
    }
    return .table(try parseName("a table name or a file in quotes"))
  }

  /// by_list = assignment { "," assignment }
  mutating func parseBy() throws -> [Assignment] {
    if checkWord("group") && tokens[pos + 1].kind == .keyword(.by) {
      // `summarize n = count() group by region`, as in SQL
      let fix = Diagnostic.Fix(current.span.to(tokens[pos + 1].span), "by")
      throw Diagnostic(
        "'group by' is SQL; in iq the groups follow 'by' alone", at: fix.span, help: "write: \(fixedLine(fix))",
        fix: fix)
    }
    guard accept(.by) else { return [] }
    return try parseList { try $0.parseAssignment(named: false) }
  }

  /// assignment = name "=" expression; select, summarize and by also take a bare expression.
  mutating func parseAssignment(named: Bool) throws -> Assignment {
    let isName = current.kind == .identifier || current.kind == .quotedIdentifier
    if isName && tokens[pos + 1].kind == .symbol(.assign) {
      let name = try parseName()
      pos += 1
      return Assignment(name: name, value: try parseExpression())
    }
    if named {
      let e = try parseExpression()
      throw Diagnostic("a new column needs a name", at: e.span, help: "write 'name = \(file.text(of: e.span))'")
    }
    return Assignment(name: nil, value: try parseExpression())
  }

  /// sort_key = expression [ "asc" | "desc" ]
  mutating func parseSortKey(default direction: SortDirection) throws -> SortKey {
    let e = try parseExpression()
    if accept(.asc) { return SortKey(value: e, direction: .asc) }
    if accept(.desc) { return SortKey(value: e, direction: .desc) }
    return SortKey(value: e, direction: direction)
  }

  /// item { "," item }
  mutating func parseList<T>(_ item: (inout Parser) throws -> T) throws -> [T] {
    var items = [try item(&self)]
    while accept(.comma) { items.append(try item(&self)) }
    return items
  }
}
