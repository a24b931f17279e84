import IQBuiltins
import IQCore
import IQPlan
import IQSyntax

/// Translates a resolved pipeline to SQL (SQLite's dialect) that computes
/// the same table, in the same row order: every step becomes a CTE that
/// carries a hidden `_ord` column, the row's place in iq's order.
/// `iq --sql 'QUERY'` prints it; the differential tester runs it on SQLite.
public enum SQLTranslator {
  public static func translate(_ plan: Plan) throws -> String {
    var ctes: [String] = []
    var input: [Field] = []
    for (n, planned) in plan.steps.enumerated() {
      let (step, fields, span) = (planned.step, planned.fields, planned.span)
      let prev = "s\(n)"
      let sql = try translate(step, input: input, output: fields, prev: prev, span: span, verb: planned.verb)
      if let sql {
        ctes.append("s\(n + 1) AS (\n  \(sql)\n)")
      } else {
        ctes.append("s\(n + 1) AS (SELECT * FROM \(prev))")
      }
      input = fields
    }
    // Present values as iq prints them in csv: money with two places, true/false.
    let columns = plan.fields.map { f -> String in
      let c = quote(f.name)
      switch f.type {
      // printf would write a null as 0.00.
      case .money: return "CASE WHEN \(c) IS NOT NULL THEN printf('%.2f', \(c) / 100.0) END AS \(c)"
      case .bool: return "CASE WHEN \(c) THEN 'true' WHEN NOT \(c) THEN 'false' END AS \(c)"
      default: return c
      }
    }
    return "WITH\n" + ctes.joined(separator: ",\n")
      + "\nSELECT \(columns.joined(separator: ", ")) FROM s\(plan.steps.count) ORDER BY _ord;\n"
  }

  static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

  static func notTranslatable(_ what: String, _ span: Span, verb: Verb) -> Diagnostic {
    Diagnostic(
      "not translatable to SQL: \(what)", at: span,
      help: "the '\(verb.rawValue)' step has no SQLite equivalent here; iq runs it itself")
  }

  static func list(_ fields: [Field], prefix: String = "") -> String {
    fields.map { prefix + quote($0.name) }.joined(separator: ", ")
  }

  static func translate(_ step: PlanStep, input: [Field], output: [Field], prev: String, span: Span, verb: Verb) throws
    -> String?
  {
    func expr(_ e: ResolvedExpr, _ fields: [Field] = input, groups: [ResolvedExpr] = []) throws -> String {
      try SQLExpression(fields: fields, groups: groups, verb: verb).sql(e)
    }
    switch step {
    case .scan(.named(let name)):
      return "SELECT \(list(output)), ROW_NUMBER() OVER () AS _ord FROM \(quote(name))"
    case .scan(.file):
      throw notTranslatable("reading a CSV file", span, verb: verb)
    case .filter(let e):
      return "SELECT * FROM \(prev) WHERE \(try expr(e))"
    case .derive(let items, let groups):
      // One SELECT per item: later items see earlier ones.
      var fields = input
      var sql = "SELECT * FROM \(prev)"
      for (e, replacing) in items {
        let name = output[replacing ?? fields.count].name
        let value = try expr(e, fields, groups: groups)
        let cols = fields.enumerated().map { i, f in i == replacing ? "\(value) AS \(quote(name))" : quote(f.name) }
        let added = replacing == nil ? [", \(value) AS \(quote(name))"] : []
        sql = "SELECT \(cols.joined(separator: ", "))\(added.joined()), _ord FROM (\(sql))"
        if replacing == nil { fields.append(Field(name, e.type)) } else { fields[replacing!].type = e.type }
      }
      return sql
    case .project(let exprs):
      let cols = try zip(exprs, output).map { "\(try expr($0.0)) AS \(quote($0.1.name))" }
      return "SELECT \(cols.joined(separator: ", ")), _ord FROM \(prev)"
    case .columns(let indices):
      let cols = zip(indices, output).map { "\(quote(input[$0.0].name)) AS \(quote($0.1.name))" }
      return "SELECT \(cols.joined(separator: ", ")), _ord FROM \(prev)"
    case .summarize(let keys, let aggs):
      let keySQL = try keys.map { try expr($0) }
      let keyFields = Array(output.prefix(keys.count))
      let aggSQL = try aggs.map {
        try SQLExpression(fields: keyFields, groups: [], verb: verb, aggregateInput: input, keySQL: keySQL).sql($0)
      }
      let cols = zip(keySQL + aggSQL, output).map { "\($0.0) AS \(quote($0.1.name))" }
      let order = keySQL.isEmpty ? "" : "ORDER BY " + keySQL.map { "\($0) NULLS LAST" }.joined(separator: ", ")
      let group = keySQL.isEmpty ? "" : " GROUP BY " + keySQL.joined(separator: ", ")
      return "SELECT \(cols.joined(separator: ", ")), ROW_NUMBER() OVER (\(order)) AS _ord FROM \(prev)\(group)"
    case .sort(let keys):
      let order = try keys.map { "\(try expr($0.0)) \($0.descending ? "DESC" : "ASC") NULLS LAST" } + ["_ord"]
      return "SELECT \(list(input)), ROW_NUMBER() OVER (ORDER BY \(order.joined(separator: ", "))) AS _ord FROM \(prev)"
    case .take(let n):
      return "SELECT * FROM \(prev) ORDER BY _ord LIMIT \(n)"
    case .top(let n, let key, let descending):
      let order = "\(try expr(key)) \(descending ? "DESC" : "ASC") NULLS LAST, _ord"
      return
        "SELECT \(list(input)), ROW_NUMBER() OVER (ORDER BY \(order)) AS _ord FROM \(prev) ORDER BY \(order) LIMIT \(n)"
    case .join(let j):
      return try join(j, input: input, output: output, prev: prev, span: span, verb: verb)

    case .distinct(let cols):
      let names = cols.map { quote(input[$0].name) }.joined(separator: ", ")
      return "SELECT \(names), MIN(_ord) AS _ord FROM \(prev) GROUP BY \(names)"
    case .append(.named(let table), let mapping):
      let left = output.enumerated().map { i, f in i < input.count ? quote(f.name) : "NULL AS \(quote(f.name))" }
      let right = zip(mapping, output).map { j, f in j.map { _ in quote(f.name) } ?? "NULL" }
      return """
        SELECT \(left.joined(separator: ", ")), _ord FROM \(prev)
          UNION ALL
          SELECT \(right.joined(separator: ", ")), (SELECT COUNT(*) FROM \(prev)) + ROW_NUMBER() OVER () AS _ord FROM \(quote(table))
        """
    case .append(.file, _):
      throw notTranslatable("appending a CSV file", span, verb: verb)
    case .save:
      return nil
    case .chart:
      throw notTranslatable("a chart", span, verb: verb)
    }
  }
}

/// One expression in SQL, with column positions turned back into names.
struct SQLExpression {
  var fields: [Field]
  var groups: [ResolvedExpr]
  var verb: Verb
  /// In summarize: aggregates read these columns; bare keys are these expressions.
  var aggregateInput: [Field]?
  var keySQL: [String] = []

  func fail(_ what: String, _ span: Span) -> Diagnostic { SQLTranslator.notTranslatable(what, span, verb: verb) }

  func sql(_ e: ResolvedExpr) throws -> String {
    switch e.kind {
    case .constant(let v): return literal(v)
    case .column(let i):
      if aggregateInput != nil && i < keySQL.count { return keySQL[i] }
      return SQLTranslator.quote(fields[i].name)
    case .toNumber(let x): return "CAST(\(try sql(x)) AS REAL)"
    case .negate(let x): return "(-\(try sql(x)))"
    case .not(let x): return "(NOT \(try sql(x)))"
    case .logic(let op, let a, let b): return "(\(try sql(a)) \(op == .and ? "AND" : "OR") \(try sql(b)))"
    case .compare(let op, let a, let b):
      let o = op == .equal ? "=" : (op == .notEqual ? "<>" : op.rawValue)
      return "(\(try sql(a)) \(o) \(try sql(b)))"
    case .inList(let x, let items, let negated):
      return "(\(try sql(x)) \(negated ? "NOT IN" : "IN") (\(try items.map(sql).joined(separator: ", "))))"
    case .arithmetic(let op, let a, let b):
      let (l, r) = (try sql(a), try sql(b))
      switch (a.type, b.type, op) {
      case (.money, .number, .multiply), (.money, .int, .multiply): return "CAST(ROUND(\(l) * \(r)) AS INTEGER)"
      case (.number, .money, .multiply), (.int, .money, .multiply): return "CAST(ROUND(\(l) * \(r)) AS INTEGER)"
      case (.money, .number, .divide), (.money, .int, .divide): return "CAST(ROUND(\(l) / \(r)) AS INTEGER)"
      case (.money, .money, .divide): return "(CAST(\(l) AS REAL) / \(r))"
      case (.date, _, .add), (.date, .int, .subtract):
        return "date(\(l), \(op == .add ? "" : "-")\(r) || ' days')"
      case (.date, .date, .subtract): return "CAST(julianday(\(l)) - julianday(\(r)) AS INTEGER)"
      default: return "(\(l) \(op.rawValue) \(r))"
      }
    case .function(let f, let args): return try function(f, args, e)
    case .aggregate(let agg, let arg):
      return try aggregate(agg, arg, e)
    case .window(let w, let args):
      let partition = try groups.isEmpty ? "" : "PARTITION BY " + groups.map(sql).joined(separator: ", ") + " "
      switch w.sql {
      case .rule(let rule): return rule(try args.map(sql), partition)
      case .none(let reason): throw fail(reason, e.span)
      }
    }
  }

  func aggregate(_ agg: Aggregate, _ arg: ResolvedExpr?, _ e: ResolvedExpr) throws -> String {
    // Inside summarize, the argument reads the input rows; in derive, an
    // aggregate is a window over the whole input or its group.
    let inner = aggregateInput.map { SQLExpression(fields: $0, groups: [], verb: verb) } ?? self
    let x = try arg.map { try inner.sql($0) } ?? "*"
    let over =
      aggregateInput == nil
      ? " OVER (" + (try groups.isEmpty ? "" : "PARTITION BY " + groups.map(sql).joined(separator: ", ")) + ")" : ""
    switch agg.sql {
    case .none(let reason): throw fail(reason, e.span)
    case .call(let inDerive, let call):
      guard inDerive || aggregateInput != nil else { throw fail("\(agg.name) in derive", e.span) }
      return call(x, over, e.type)
    }
  }

  /// A function's SQL, by its own rule (IQBuiltins), or why it has none.
  func function(_ f: Builtin, _ args: [ResolvedExpr], _ e: ResolvedExpr) throws -> String {
    let a = try args.map(sql)
    switch f.sql {
    case .none(let reason): throw fail(reason, e.span)
    case .rule(let rule):
      do {
        return try rule(a, args.map(\.type), e.type)
      } catch let refusal as SQLRefusal {
        throw fail(refusal.what, e.span)
      }
    }
  }

  func literal(_ v: Value) -> String {
    switch v {
    case .null: return "NULL"
    case .bool(let b): return b ? "1" : "0"
    case .int(let x): return String(x)
    case .number(let x):
      let s = "\(x)"
      return x.isFinite ? (s.contains(".") || s.contains("e") ? s : s + ".0") : "NULL"
    case .money(let p): return String(p)
    case .text(let s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    case .date(let d): return "'\(Date.iso(d))'"
    }
  }
}
