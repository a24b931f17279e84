import IQBuiltins
import IQCore
import IQPlan
import IQSyntax

/// Translates a resolved pipeline to SQL in one dialect that computes the
/// same table, in the same row order: every step becomes a CTE that
/// carries a hidden `_ord` column, the row's place in iq's order, and the
/// last SELECT orders by it. After a sort (or a top, or a summarize by
/// keys) a second hidden column, `_rk`, numbers the rows that tie on the
/// sort's keys alike (a dense rank), so `rank()` later on is a RANK() by it.
/// Money travels between steps as whole pence (see `SQLDialect`). `iq --sql
/// --dialect D` prints it, `--engine` runs it, and the differential tester
/// compares it with iq's own answer.
public struct SQLTranslator {
  public var dialect: SQLDialect
  /// A table's columns as the engine stores them (money in pounds, but in SQLite).
  public var fieldsOf: (String) -> [Field]?
  /// Whether a table carries iq's row order in a `_row` column, as the
  /// built-in tables do when `--export-dataset` writes them. Other tables
  /// are read in the order the engine gives.
  public var hasRowColumn: (String) -> Bool
  /// `let` results translated so far, in order: their names, and the CTEs
  /// that compute them ahead of the query's own.
  public private(set) var letNames: [String] = []
  var letCTEs: [String] = []

  public init(
    dialect: SQLDialect, fieldsOf: @escaping (String) -> [Field]?, hasRowColumn: @escaping (String) -> Bool
  ) {
    self.dialect = dialect
    self.fieldsOf = fieldsOf
    self.hasRowColumn = hasRowColumn
  }

  /// The whole statement: the CTEs, then the result with money and
  /// booleans as the dialect stores them.
  public func translate(_ plan: Plan) throws -> String {
    let (ctes, last) = try steps(plan)
    let columns = plan.fields.map { f -> String in
      let c = quote(f.name)
      switch (dialect, f.type) {
      // SQLite has no decimal: money is printed with two places, as iq's csv does
      // (printf would write a null as 0.00).
      case (.sqlite, .money): return "CASE WHEN \(c) IS NOT NULL THEN printf('%.2f', \(c) / 100.0) END AS \(c)"
      case (.sqlite, .bool): return "CASE WHEN \(c) THEN 'true' WHEN NOT \(c) THEN 'false' END AS \(c)"
      case (_, .money): return "\(dialect.stored(fromPence: c)) AS \(c)"
      default: return c
      }
    }
    return "WITH\n" + (letCTEs + ctes).joined(separator: ",\n")
      + "\nSELECT \(columns.joined(separator: ", ")) FROM \(last) ORDER BY _ord;\n"
  }

  /// A `let` result a later query may read: its steps become CTEs, the
  /// last named after it (`WITH "peak" AS (…)`), so every dialect can read
  /// it as a table.
  public mutating func addLet(_ plan: Plan, name: String) throws {
    let (ctes, last) = try steps(plan, prefix: "\(name)_s")
    letCTEs += ctes + ["\(quote(name)) AS (SELECT * FROM \(last))"]
    letNames.append(name)
  }

  func steps(_ plan: Plan, prefix: String = "s") throws -> (ctes: [String], last: String) {
    var ctes: [String] = []
    var input: [Field] = []
    var ranked = false
    // `_rk` costs a window per sort: only a pipeline with a rank() has it.
    let ranks = plan.steps.contains { $0.step.ranks }
    for (n, planned) in plan.steps.enumerated() {
      let prev = "\(prefix)\(n)"
      let sql = try translate(
        planned.step, input: input, output: planned.fields, prev: prev, span: planned.span, verb: planned.verb,
        ranked: ranked, ranks: ranks)
      ctes.append("\(prefix)\(n + 1) AS (\n  \(sql ?? "SELECT * FROM \(prev)")\n)")
      input = planned.fields
      ranked = ranks && Self.carriesRank(planned.step, input: ranked)
    }
    return (ctes, "\(prefix)\(plan.steps.count)")
  }

  /// The step whose CTE (`s3 AS (` for the third) holds a line of the
  /// translation `steps` wrote, or nil when the line is in none (a `let`'s, the last SELECT).
  public static func step(atLine line: Int, of sql: String) -> Int? {
    let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
    guard line >= 1 && line <= lines.count else { return nil }
    for l in lines[..<line].reversed() {
      if l.hasPrefix("SELECT ") { return nil }
      guard l.hasPrefix("s"), l.hasSuffix(" AS ("), let n = Int(l.dropFirst().dropLast(5)) else { continue }
      return n - 1
    }
    return nil
  }

  func quote(_ name: String) -> String { dialect.identifier(name) }

  func notTranslatable(_ what: String, _ span: Span, verb: Verb) -> Diagnostic {
    Diagnostic(
      "not translatable to \(dialect.title): \(what)", at: span,
      help: "the '\(verb.rawValue)' step has no \(dialect.title) equivalent here; iq runs it itself")
  }

  func list(_ fields: [Field], prefix: String = "") -> String {
    fields.map { prefix + quote($0.name) }.joined(separator: ", ")
  }

  /// A stored table read as the steps expect it: its columns (money as
  /// pence) and its row order as `_ord`.
  func scan(_ table: String, span: Span, verb: Verb) throws -> String {
    if letNames.contains(table) { return "SELECT * FROM \(quote(table))" }
    guard let fields = fieldsOf(table) else { throw notTranslatable("the table \(table)", span, verb: verb) }
    let cols = fields.map { f in
      f.type == .money && dialect != .sqlite
        ? "\(dialect.pence(fromStored: quote(f.name))) AS \(quote(f.name))" : quote(f.name)
    }
    return "SELECT \(cols.joined(separator: ", ")), \(tableOrder(table)) AS _ord FROM \(quote(table))"
  }

  /// A stored table's row order: its `_row` where it has one; Spark's
  /// `monotonically_increasing_id()` (rising, not consecutive); elsewhere the
  /// order the engine gives. Neither of the first two is a window, which
  /// an engine would compute on one core (Spark: in one partition).
  func tableOrder(_ table: String) -> String {
    if hasRowColumn(table) { return quote("_row") }
    return dialect == .spark ? "monotonically_increasing_id()" : "ROW_NUMBER() OVER (\(anyOrder))"
  }

  /// A window's order where any will do (one row): Spark and T-SQL insist on one.
  var anyOrder: String {
    switch dialect {
    case .spark: return "ORDER BY NULL"
    case .tsql: return "ORDER BY (SELECT NULL)"
    default: return ""
    }
  }

  /// The first n rows by `order`.
  func firstRows(_ n: Int, columns: String, from: String, order: String) -> String {
    dialect == .tsql
      ? "SELECT TOP (\(n)) \(columns) FROM \(from) ORDER BY \(order)"
      : "SELECT \(columns) FROM \(from) ORDER BY \(order) LIMIT \(n)"
  }

  /// Whether a step's result has `_rk`, the ties of the last sort, as
  /// iq's resolver has an order for `rank()`: set by a sort, a top or a
  /// summarize by keys, kept by the steps that keep the order.
  static func carriesRank(_ step: PlanStep, input: Bool) -> Bool {
    switch step {
    case .sort, .top: return true
    case .summarize(let keys, _): return !keys.isEmpty
    case .scan, .append: return false
    case .distinct, .filter, .derive, .project, .columns, .take, .join, .save, .chart: return input
    }
  }

  func sortKey(_ sql: String, _ type: DataType, descending: Bool) -> String {
    dialect.orderKey(type == .text ? dialect.codePoint(sql) : sql, descending: descending)
  }

  func translate(
    _ step: PlanStep, input: [Field], output: [Field], prev: String, span: Span, verb: Verb, ranked: Bool = false,
    ranks: Bool = false
  ) throws -> String? {
    let context = SQLExpression(translator: self, fields: input, groups: [], verb: verb, ranked: ranked)
    func expr(_ e: ResolvedExpr, _ fields: [Field] = input, groups: [ResolvedExpr] = []) throws -> String {
      try SQLExpression(translator: self, fields: fields, groups: groups, verb: verb, ranked: ranked).value(e)
    }
    // The hidden columns a step that lists its columns passes on.
    let hidden = ranked ? "_ord, _rk" : "_ord"
    switch step {
    case .scan(.named(let name)):
      return try scan(name, span: span, verb: verb)
    case .scan(.file):
      throw notTranslatable("reading a file", span, verb: verb)
    case .filter(let e):
      return "SELECT * FROM \(prev) WHERE \(try context.condition(e))"
    case .derive(let items, let groups):
      // One SELECT per item: later items see earlier ones.
      var fields = input
      var sql = "SELECT * FROM \(prev)"
      for (k, (e, replacing)) in items.enumerated() {
        let name = output[replacing ?? fields.count].name
        let value = try expr(e, fields, groups: groups)
        let cols = fields.enumerated().map { i, f in i == replacing ? "\(value) AS \(quote(name))" : quote(f.name) }
        let added = replacing == nil ? [", \(value) AS \(quote(name))"] : []
        sql = "SELECT \(cols.joined(separator: ", "))\(added.joined()), \(hidden) FROM (\(sql)) AS d\(k)"
        if replacing == nil { fields.append(Field(name, e.type)) } else { fields[replacing!].type = e.type }
      }
      return sql
    case .project(let exprs):
      let cols = try zip(exprs, output).map { "\(try expr($0.0)) AS \(quote($0.1.name))" }
      return "SELECT \(cols.joined(separator: ", ")), \(hidden) FROM \(prev)"
    case .columns(let indices):
      let cols = zip(indices, output).map { "\(quote(input[$0.0].name)) AS \(quote($0.1.name))" }
      return "SELECT \(cols.joined(separator: ", ")), \(hidden) FROM \(prev)"
    case .summarize(let keys, let aggs):
      let keySQL = try keys.map { k in try grouped(expr(k), k.type) }
      let keyFields = Array(output.prefix(keys.count))
      let aggSQL = try aggs.map {
        try SQLExpression(
          translator: self, fields: keyFields, groups: [], verb: verb, aggregateInput: input, keySQL: keySQL
        ).value($0)
      }
      let cols = zip(keySQL + aggSQL, output).map { "\($0.0) AS \(quote($0.1.name))" }
      let order = zip(keySQL, keys).map { sortKey($0.0, $0.1.type, descending: false) }
      let over = order.isEmpty ? anyOrder : "ORDER BY " + order.joined(separator: ", ")
      let group = keySQL.isEmpty ? "" : " GROUP BY " + keySQL.joined(separator: ", ")
      // Groups are unique in their keys: each is its own tie.
      let rank = keySQL.isEmpty || !ranks ? "" : ", ROW_NUMBER() OVER (\(over)) AS _rk"
      return "SELECT \(cols.joined(separator: ", ")), ROW_NUMBER() OVER (\(over)) AS _ord\(rank) FROM \(prev)\(group)"
    case .sort(let keys):
      let order = try keys.map { sortKey(try expr($0.0), $0.0.type, descending: $0.descending) }
      return "SELECT \(list(input)), \(numbered(by: order, ranks: ranks)) FROM \(prev)"
    case .take(let n):
      return firstRows(n, columns: "*", from: prev, order: "_ord")
    case .top(let n, let key, let descending):
      // The n rows first, which an engine finds as a top-N, in parallel
      // (numbering every row first made Spark sort them all in one task);
      // then numbered.
      let order = [sortKey(try expr(key), key.type, descending: descending)]
      let first = firstRows(n, columns: "*", from: prev, order: (order + ["_ord"]).joined(separator: ", "))
      return "SELECT \(list(input)), \(numbered(by: order, ranks: ranks)) FROM (\(first)) AS t"
    case .join(let j):
      return try join(j, input: input, output: output, prev: prev, span: span, verb: verb, ranked: ranked)
    case .distinct(let cols):
      let names = cols.map { grouped(quote(input[$0].name), input[$0].type) }
      let selected = zip(names, cols).map { "\($0.0) AS \(quote(input[$0.1].name))" }
      // The first row of each stands for it, so its tie does (_rk rises with _ord).
      let hiddenFirst = ranked ? "MIN(_ord) AS _ord, MIN(_rk) AS _rk" : "MIN(_ord) AS _ord"
      return
        "SELECT \(selected.joined(separator: ", ")), \(hiddenFirst) FROM \(prev) GROUP BY \(names.joined(separator: ", "))"
    case .append(.named(let table), let mapping):
      let left = output.enumerated().map { i, f in i < input.count ? quote(f.name) : "NULL AS \(quote(f.name))" }
      let names = fieldsOf(table)?.map(\.name) ?? []
      let right = zip(mapping, output).map { j, f in j.map { quote(names[$0]) } ?? "NULL" }
      return """
        SELECT \(left.joined(separator: ", ")), _ord FROM \(prev)
          UNION ALL
          SELECT \(right.joined(separator: ", ")), (SELECT COALESCE(MAX(_ord), 0) + 1 FROM \(prev)) + _ord FROM (\(try scan(table, span: span, verb: verb))) AS a
        """
    case .append(.file, _):
      throw notTranslatable("appending a file", span, verb: verb)
    case .save:
      return nil
    case .chart:
      throw notTranslatable("a chart", span, verb: verb)
    }
  }

  /// A sort's new `_ord` (ties kept in the order they had) and `_rk` (ties alike).
  func numbered(by order: [String], ranks: Bool) -> String {
    let keys = order.joined(separator: ", ")
    let rank = ranks ? ", DENSE_RANK() OVER (ORDER BY \(keys)) AS _rk" : ""
    return "ROW_NUMBER() OVER (ORDER BY \(keys), _ord) AS _ord\(rank)"
  }

  /// A key as grouped: text by code point where the engine would fold case
  /// (T-SQL); elsewhere as it is.
  func grouped(_ sql: String, _ type: DataType) -> String {
    dialect == .tsql && type == .text ? dialect.codePoint(sql) : sql
  }
}

/// One expression in SQL, with column positions turned back into names.
struct SQLExpression {
  let translator: SQLTranslator
  var fields: [Field]
  var groups: [ResolvedExpr]
  var verb: Verb
  /// Whether the rows carry `_rk`, the last sort's ties, for `rank()`.
  var ranked = false
  /// In summarize: aggregates read these columns; bare keys are these expressions.
  var aggregateInput: [Field]?
  var keySQL: [String] = []

  var dialect: SQLDialect { translator.dialect }

  func fail(_ what: String, _ span: Span) -> Diagnostic { translator.notTranslatable(what, span, verb: verb) }

  /// Whether the expression's SQL is a predicate, not a value. Only T-SQL
  /// tells the two apart: it has no boolean values, so a predicate used as
  /// a value becomes 1 or 0, and a bit column used as a condition is `= 1`.
  func isPredicate(_ e: ResolvedExpr) -> Bool {
    switch e.kind {
    case .compare, .logic, .not, .inList: return true
    case .function(let f, _): return ["contains", "starts_with", "ends_with", "is_null"].contains(f.name)
    default: return false
    }
  }

  /// The expression as a value.
  func value(_ e: ResolvedExpr) throws -> String {
    let s = try sql(e)
    guard dialect == .tsql, isPredicate(e) else { return s }
    return "CASE WHEN \(s) THEN 1 WHEN NOT \(s) THEN 0 END"
  }

  /// The expression as a condition (WHERE, AND, CASE WHEN).
  func condition(_ e: ResolvedExpr) throws -> String {
    let s = try sql(e)
    guard dialect == .tsql, !isPredicate(e) else { return s }
    return "(\(s) = 1)"
  }

  func sql(_ e: ResolvedExpr) throws -> String {
    switch e.kind {
    case .constant(let v): return literal(v)
    case .column(let i):
      if aggregateInput != nil && i < keySQL.count { return keySQL[i] }
      return translator.quote(fields[i].name)
    case .toNumber(let x): return dialect.double(try value(x))
    case .negate(let x): return "(-\(try value(x)))"
    case .not(let x): return "(NOT \(try condition(x)))"
    case .logic(let op, let a, let b):
      return "(\(try condition(a)) \(op == .and ? "AND" : "OR") \(try condition(b)))"
    case .compare(let op, let a, let b):
      let o = op == .equal ? "=" : (op == .notEqual ? "<>" : op.rawValue)
      let (l, r) = (try value(a), try value(b))
      return a.type == .text || b.type == .text
        ? "(\(dialect.codePoint(l)) \(o) \(r))" : "(\(l) \(o) \(r))"
    case .inList(let x, let items, let negated):
      let l = x.type == .text ? dialect.codePoint(try value(x)) : try value(x)
      return "(\(l) \(negated ? "NOT IN" : "IN") (\(try items.map(value).joined(separator: ", "))))"
    case .arithmetic(let op, let a, let b):
      let (l, r) = (try value(a), try value(b))
      switch (a.type, b.type, op) {
      case (.money, .number, .multiply), (.money, .int, .multiply), (.number, .money, .multiply),
        (.int, .money, .multiply):
        return dialect.roundedToWhole("\(l) * \(r)")
      case (.money, .number, .divide), (.money, .int, .divide):
        return dialect.roundedToWhole("\(l) / NULLIF(\(r), 0)")
      case (_, _, .divide): return "(\(a.type == .number ? l : dialect.double(l)) / NULLIF(\(r), 0))"
      case (.date, _, .add): return dialect.addDays(l, r)
      case (.date, .int, .subtract): return dialect.addDays(l, "-(\(r))")
      case (.date, .date, .subtract): return dialect.daysBetween(l, r)
      default: return "(\(l) \(op.rawValue) \(r))"
      }
    case .function(let f, let args): return try function(f, args, e)
    case .aggregate(let agg, let arg):
      return try aggregate(agg, arg, e)
    case .window(let w, let args):
      let partition = try groups.isEmpty ? "" : "PARTITION BY " + groups.map(value).joined(separator: ", ") + " "
      if w == .rank {
        // Its rule ranks by `_rk`, the last sort's ties.
        guard ranked else { throw fail("rank() after this step (the last sort's order is not carried)", e.span) }
      }
      switch w.sql {
      case .rule(let rule):
        do {
          return try rule(try args.map(value), partition, dialect)
        } catch let refusal as SQLRefusal {
          throw fail(refusal.what, e.span)
        }
      case .none(let reason): throw fail(reason, e.span)
      }
    }
  }

  func aggregate(_ agg: Aggregate, _ arg: ResolvedExpr?, _ e: ResolvedExpr) throws -> String {
    // Inside summarize, the argument reads the input rows; in derive, an
    // aggregate is a window over the whole input or its group.
    let inner =
      aggregateInput.map { SQLExpression(translator: translator, fields: $0, groups: [], verb: verb) } ?? self
    let x = try arg.map { try inner.value($0) } ?? "*"
    let over =
      aggregateInput == nil
      ? " OVER (" + (try groups.isEmpty ? "" : "PARTITION BY " + groups.map(value).joined(separator: ", ")) + ")" : ""
    switch agg.sql {
    case .none(let reason): throw fail(reason, e.span)
    case .call(let inDerive, let call):
      guard inDerive || aggregateInput != nil else { throw fail("\(agg.name) in derive", e.span) }
      do {
        return try call(x, over, e.type, dialect, arg?.type)
      } catch let refusal as SQLRefusal {
        throw fail(refusal.what, e.span)
      }
    }
  }

  /// A function's SQL, by its own rule (IQBuiltins), or why it has none.
  func function(_ f: Builtin, _ args: [ResolvedExpr], _ e: ResolvedExpr) throws -> String {
    // if's first argument is a condition; every other argument a value.
    let a = try args.enumerated().map { i, x in f.name == "if" && i == 0 ? try condition(x) : try value(x) }
    switch f.sql {
    case .none(let reason): throw fail(reason, e.span)
    case .rule(let rule):
      do {
        return try rule(a, args.map(\.type), e.type, dialect)
      } catch let refusal as SQLRefusal {
        throw fail(refusal.what, e.span)
      }
    }
  }

  func literal(_ v: Value) -> String {
    switch v {
    case .null: return "NULL"
    case .bool(let b): return dialect.bool(b)
    case .int(let x): return String(x)
    case .number(let x):
      let s = "\(x)"
      guard x.isFinite else { return "NULL" }
      // A double, not a decimal: 1e0 form where the engine would read 0.1 exactly.
      return dialect == .sqlite ? (s.contains(".") || s.contains("e") ? s : s + ".0") : dialect.double(s)
    case .money(let p): return String(p)
    case .text(let s): return dialect.string(s)
    case .date(let d): return dialect.date(Date.iso(d))
    }
  }
}

extension PlanStep {
  /// Whether the step calls `rank()`.
  var ranks: Bool {
    switch self {
    case .filter(let e): return e.ranks
    case .derive(let items, let groups): return items.contains { $0.expr.ranks } || groups.contains { $0.ranks }
    case .project(let exprs): return exprs.contains { $0.ranks }
    default: return false
    }
  }
}

extension ResolvedExpr {
  /// Whether `rank()` is in it.
  var ranks: Bool {
    switch kind {
    case .window(let w, let args): return w == .rank || args.contains { $0.ranks }
    case .constant, .column: return false
    case .toNumber(let x), .negate(let x), .not(let x): return x.ranks
    case .arithmetic(_, let a, let b), .compare(_, let a, let b), .logic(_, let a, let b): return a.ranks || b.ranks
    case .inList(let x, let items, _): return x.ranks || items.contains { $0.ranks }
    case .function(_, let args): return args.contains { $0.ranks }
    case .aggregate(_, let a): return a?.ranks ?? false
    }
  }
}
