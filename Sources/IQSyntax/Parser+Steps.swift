import IQCore

extension Parser {
  /// step = from_step | where_step | derive_step | select_step | drop_step
  ///      | rename_step | summarize_step | sort_step | take_step | top_step
  ///      | join_step | distinct_step | count_step | append_step | save_step
  mutating func parseStep() throws -> Step {
    let start = current.span.start
    let verb = try parseVerb()
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
      // summarize_step = ( "summarize" | "summarise" ) select_item { "," select_item } [ "by" by_list ]
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
      kind = try parseJoin()

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
      kind = try parseChart()

    case .save:
      // save_step = "save" STRING [ with_options ]
      guard current.kind == .string else { throw expected("a file name in quotes, e.g. save \"out.csv\"") }
      let t = advance()
      kind = .save(try unescape(t), t.span, options: try parseOptions())
    }
    return Step(verb: verb, kind: kind, span: Span(start, previousEnd))
  }

  /// A table, a file or standard input.
  mutating func parseSource() throws -> SourceRef {
    // source = name | ( STRING | "stdin" ) [ with_options ]
    if current.kind == .string {
      let t = advance()
      return .file(try unescape(t), t.span, options: try parseOptions())
    }
    if checkWord("stdin") {
      let t = advance()
      return .standardInput(t.span, options: try parseOptions())
    }
    let name = try parseName("a table name or a file in quotes")
    if checkWord("with") {
      throw Diagnostic(
        "'with' gives options for reading a file; \(name.text) is a table", at: current.span,
        help: "options are for files: from \"data.csv\" with skip = 2")
    }
    return .table(name)
  }

  /// How to read a file: `with skip = 2, nulls = ("n/k")`.
  mutating func parseOptions() throws -> [FileOption] {
    // with_options = "with" option { "," option }
    // option = name "=" ( option_value | "(" option_value { "," option_value } ")" | "(" name ":" name { "," name ":" name } ")" )
    guard checkWord("with") else { return [] }
    pos += 1
    return try parseList { p in
      let name = try p.parseName("an option: skip, header, delimiter, nulls, types, sheet or range")
      guard p.accept(.assign) else {
        throw p.expected("'=' and a value after \(name.text)", help: "write \(name.text) = …")
      }
      let start = p.current.span.start
      let value: OptionValue
      if p.accept(.leftParen) {
        let open = Span(start, start + 1)
        if p.pos + 1 < p.tokens.count && p.tokens[p.pos + 1].kind == .symbol(.colon) {
          value = .types(
            try p.parseList { q in
              let column = try q.parseName("a column name")
              try q.expect(.colon, "':' and a type, e.g. code: text")
              return ColumnType(column: column, type: try q.parseName("a type: text, int, number, money, date or bool"))
            })
        } else {
          value = .list(try p.parseList { try $0.parseOptionLiteral() })
        }
        try p.expectClosing(open)
      } else {
        value = .literal(try p.parseOptionLiteral())
      }
      return FileOption(name: name, value: value, span: Span(start, p.previousEnd))
    }
  }

  /// A number or a text in quotes, as an option's value.
  mutating func parseOptionLiteral() throws -> Value {
    // option_value = NUMBER | STRING
    let t = current
    switch t.kind {
    case .string:
      pos += 1
      return .text(try unescape(t))
    case .number:
      guard let n = Int64(text(t)) else { throw expected("a whole number") }
      pos += 1
      return .int(n)
    default:
      throw expected("a number or a text in quotes")
    }
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
