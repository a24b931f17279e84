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
