import Foundation
import IQCore
import IQPlan

/// What running a plan gives: the table, the chart the pipeline ends with
/// (nil: print the table) and what it warned of.
public struct QueryOutcome {
  /// The plan that ran: each step's verb, span, fields and what it did.
  public var plan: Plan
  public var table: Table
  public var chart: ChartSpec?
  public var warnings: Warnings
}

/// Runs a resolved plan step by step over column tables.
public struct Executor {
  public let catalog: Catalog
  public let warnings: Warnings
  /// Checked between steps and polled in every long loop.
  public let cancellation: Cancellation
  /// `save` writes here; the session decides how (and reports what).
  public var save: (Table, String, String?, Span) throws -> Void

  public init(
    catalog: Catalog, warnings: Warnings, cancellation: Cancellation,
    save: @escaping (Table, String, String?, Span) throws -> Void
  ) {
    self.catalog = catalog
    self.warnings = warnings
    self.cancellation = cancellation
    self.save = save
  }

  /// Limits on a join's output: rows, and rows × columns (about 3 GB of values).
  public static let maxJoinRows = 100_000_000
  public static let maxJoinCells = 400_000_000

  /// The engine's entry point: runs `plan` against `catalog`; `save` writes
  /// what a `save` step names; `after` sees each step's table (`.explain`).
  public static func run(
    _ plan: Plan, catalog: Catalog, cancellation: Cancellation, after: (Int, Table) -> Void = { _, _ in },
    save: @escaping (Table, String, String?, Span) throws -> Void
  ) throws -> QueryOutcome {
    let warnings = Warnings()
    let executor = Executor(catalog: catalog, warnings: warnings, cancellation: cancellation, save: save)
    let table = try executor.run(plan, after: after)
    return QueryOutcome(plan: plan, table: table, chart: plan.chart, warnings: warnings)
  }

  public func run(_ plan: Plan) throws -> Table {
    try run(plan) { _, _ in }
  }

  /// Runs the plan, handing the table after each step to `after` (for `.explain`).
  public func run(_ plan: Plan, after: (Int, Table) -> Void) throws -> Table {
    var t = Table(fields: [], columns: [], rowCount: 0)
    for (n, planned) in plan.steps.enumerated() {
      let (step, fields, span) = (planned.step, planned.fields, planned.span)
      try cancellation.check()
      t = try run(step, on: t, span: span)
      t.fields = fields
      after(n, t)
    }
    return t
  }

  func frame(_ t: Table) -> Frame { Frame(table: t, warnings: warnings, cancellation: cancellation) }

  /// A table a step reads, and what its file's reader had to say.
  func load(_ source: TableSource) throws -> Table {
    let t = try catalog.table(source)
    catalog.warnings(source).forEach(warnings.add)
    return t
  }

  func run(_ step: PlanStep, on t: Table, span: Span) throws -> Table {
    switch step {
    case .scan(let source):
      var r = try load(source)
      r.order = nil
      return r

    case .filter(let e):
      let c = Compiler.materialize(try Compiler.compile(e)(frame(t)), rows: t.rowCount)
      guard case .bool(let keep) = c.data else { return t.gather([]) }
      let out = t.gather((0..<t.rowCount).filter { keep[$0] && !c.isNull($0) })
      if out.rowCount == 0 && t.rowCount > 0 { nearMisses(e, in: t).forEach(warnings.add) }
      return out

    case .derive(let items, let groups):
      return try derive(items, groups: groups, on: t)

    case .project(let exprs):
      let f = frame(t)
      var out = Table(
        fields: [], columns: try exprs.map { Compiler.materialize(try Compiler.compile($0)(f), rows: t.rowCount) },
        rowCount: t.rowCount)
      out.order = t.order
      return out

    case .columns(let indices):
      var out = Table(
        fields: indices.map { t.fields[$0] }, columns: indices.map { t.columns[$0] }, rowCount: t.rowCount)
      out.order = t.order
      return out

    case .summarize(let keyExprs, let aggs):
      return try summarize(keys: keyExprs, aggregates: aggs, on: t)

    case .sort(let keys):
      let cols = try keys.map {
        (Compiler.materialize(try Compiler.compile($0.0)(frame(t)), rows: t.rowCount), descending: $0.descending)
      }
      let perm = try Sorting.permutation(rows: t.rowCount, keys: cols, cancellation: cancellation)
      var out = t.gather(perm)
      out.order = cols.map { ($0.0.gather(perm), $0.descending) }
      return out

    case .take(let n):
      return t.gather(Array(0..<min(n, t.rowCount)))

    case .top(let n, let key, let descending):
      let c = Compiler.materialize(try Compiler.compile(key)(frame(t)), rows: t.rowCount)
      let perm = try Sorting.top(n, rows: t.rowCount, key: c, descending: descending, cancellation: cancellation)
      var out = t.gather(perm)
      out.order = [(c.gather(perm), descending)]
      return out

    case .join(let plan):
      return try join(t, plan, step: span)

    case .distinct(let cols):
      let g = try Grouping(keys: cols.map { t.columns[$0] }, rows: t.rowCount, cancellation: cancellation)
      var out = t.gather(g.firstRow)
      out.columns = cols.map { out.columns[$0] }
      return out

    case .append(let source, let mapping):
      return try append(source, mapping: mapping, to: t)

    case .save(let path, let span, let sheet):
      try save(t, path, sheet, span)
      return t

    case .chart(let spec):
      return try chart(spec, on: t, span: span)

    }
  }

  /// For each left row, the right rows whose keys equal its keys (nil: none,
  /// or a null key). One text or int key is hashed as itself; other keys as values.
  package static func matches(
    left lk: [Column], leftRows: Int, right rk: [Column], rightRows: Int, cancellation: Cancellation
  ) throws
    -> [[Int]?]
  {
    func typed<K: Hashable>(_ l: [K], _ r: [K]) throws -> [[Int]?] {
      var index: [K: [Int]] = [:]
      for i in 0..<rightRows where !rk[0].isNull(i) {
        try cancellation.poll(i)
        index[r[i], default: []].append(i)
      }
      var out = [[Int]?](repeating: nil, count: leftRows)
      for i in 0..<leftRows where !lk[0].isNull(i) {
        try cancellation.poll(i)
        out[i] = index[l[i]]
      }
      return out
    }
    if lk.count == 1 {
      switch (lk[0].data, rk[0].data) {
      case (.coded(let l, let dictionary), _):
        // Match each different left value once, then rows by their codes.
        let right = rk[0].decoded()
        guard case .text(let r) = right.data else { break }
        var index: [CodePointString: [Int]] = [:]
        for i in 0..<rightRows where !right.isNull(i) {
          try cancellation.poll(i)
          index[CodePointString(r[i]), default: []].append(i)
        }
        let found = dictionary.map { index[CodePointString($0)] }
        var out = [[Int]?](repeating: nil, count: leftRows)
        for i in 0..<leftRows where !lk[0].isNull(i) {
          try cancellation.poll(i)
          out[i] = found[Int(l[i])]
        }
        return out
      case (.text, .coded):
        return try matches(
          left: [lk[0]], leftRows: leftRows, right: [rk[0].decoded()], rightRows: rightRows, cancellation: cancellation)
      case (.text(let l), .text(let r)): return try typed(l.map(CodePointString.init), r.map(CodePointString.init))
      case (.int(let l), .int(let r)), (.money(let l), .money(let r)): return try typed(l, r)
      case (.date(let l), .date(let r)): return try typed(l, r)
      default: break
      }
    }
    var index: [[Value]: [Int]] = [:]
    for r in 0..<rightRows {
      try cancellation.poll(r)
      let key = rk.map { $0[r] }
      if key.contains(where: \.isNull) { continue }
      index[key, default: []].append(r)
    }
    var out = [[Int]?](repeating: nil, count: leftRows)
    for l in 0..<leftRows {
      if l % 4096 == 0 { try cancellation.check() }
      let key = lk.map { $0[l] }
      out[l] = key.contains(where: \.isNull) ? nil : index[key]
    }
    return out
  }

  /// Rows of `a` (or nulls) then rows of `b` (or nulls), in their common type.
  func concat(_ a: Column?, _ na: Int, _ b: Column?, _ nb: Int) -> Column {
    let types = [a?.type, b?.type].compactMap { $0 }
    let type = types.dropFirst().reduce(types[0]) { commonType($0, $1) ?? $0 }
    var builder = ColumnBuilder(type: type, capacity: na + nb)
    for (c, n) in [(a, na), (b, nb)] {
      guard let c = c?.widened(to: type) else {
        for _ in 0..<n { builder.appendNull() }
        continue
      }
      for i in 0..<n { builder.append(c[i]) }
    }
    return builder.finish()
  }

  /// Hash join: the input's row order is kept, and a row matching several
  /// rows of the joined table is followed by them in that table's order.
  func join(_ t: Table, _ plan: JoinPlan, step: Span) throws -> Table {
    let right = try load(plan.source)
    func keyColumns(_ table: Table, _ indices: [Int], other: Table, _ otherIndices: [Int]) -> [Column] {
      zip(indices, otherIndices).map { i, j in
        let c = table.columns[i]
        return c.type != other.columns[j].type && c.type.isNumeric ? c.widened(to: .number) : c
      }
    }
    let lk = keyColumns(t, plan.leftKeys, other: right, plan.rightKeys)
    let rk = keyColumns(right, plan.rightKeys, other: t, plan.leftKeys)
    let matchesOf = try Executor.matches(
      left: lk, leftRows: t.rowCount, right: rk, rightRows: right.rowCount, cancellation: cancellation)
    // Count the output first, so a join that would explode is refused
    // before any memory is spent on it.
    let total = matchesOf.reduce(0) { $0 + ($1?.count ?? (plan.isLeft ? 1 : 0)) }
    let width = t.columns.count + plan.rightKept.count
    if total > Executor.maxJoinRows || total * max(1, width) > Executor.maxJoinCells {
      throw Diagnostic(
        "this join would give \(groupThousands(String(total))) rows, more than iq will hold (\(groupThousands(String(min(Executor.maxJoinRows, Executor.maxJoinCells / max(1, width))))))",
        at: plan.span, help: "join on more columns, or filter both sides first, so that each row matches fewer rows")
    }
    if !plan.many, total > t.rowCount, let d = fanOut(t, right, plan, matchesOf, total: total, step: step) {
      warnings.add(d)
    }
    var li: [Int] = []
    var ri: [Int] = []
    li.reserveCapacity(total)
    ri.reserveCapacity(total)
    var eachOnce = true
    for l in 0..<t.rowCount {
      if l % 4096 == 0 { try cancellation.check() }
      if matchesOf[l]?.count != 1 { eachOnce = false }
      if let matches = matchesOf[l] {
        for r in matches {
          li.append(l)
          ri.append(r)
        }
      } else if plan.isLeft {
        li.append(l)
        ri.append(-1)
      }
    }
    // Each row matching one row (a lookup table such as areas) keeps the
    // input's columns as they are.
    try cancellation.check()
    var out = eachOnce ? t : try t.gatherCancellably(li, cancellation: cancellation)
    for c in plan.rightKept {
      try cancellation.check()
      out.columns.append(right.columns[c].gather(ri))
    }
    return out
  }
}
