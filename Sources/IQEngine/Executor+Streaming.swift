import IQBuiltins
import IQCore
import IQPlan

/// A pipeline that reads a large file and summarizes it, run a block at a
/// time: each block of the file goes through the steps before the
/// summarize and into running totals per group, and is let go, so a
/// group-by's memory stays flat however long the file is.
///
/// The totals are fed rows in the file's order, with the same arithmetic
/// as the whole-table kernels (`Totals`), so the answer is the same to the
/// bit. What a block can't answer alone makes it give up (nil) and the
/// caller runs the plan over the whole file: a `where` that keeps no row
/// at all (its near-miss warning looks at the whole column), a warning
/// other than one place's division by zero (a join's repeated rows are
/// counted over the whole file), more than a million groups.
extension Executor {
  /// The index of the summarize a plan can stream up to: the plan reads a
  /// file, then filters, derives, selects and joins a table row by row, then summarizes
  /// with count, sum, avg, min and max of row-by-row values.
  package static func streamableSummarize(_ plan: Plan) -> Int? {
    guard case .scan(.file)? = plan.steps.first?.step else { return nil }
    for (i, planned) in plan.steps.enumerated().dropFirst() {
      switch planned.step {
      case .filter(let e): if e.looksAtOtherRows { return nil }
      case .derive(let items, let groups):
        if !groups.isEmpty || items.contains(where: \.expr.looksAtOtherRows) { return nil }
      case .project(let exprs): if exprs.contains(where: \.looksAtOtherRows) { return nil }
      case .columns: break
      // Each row's matches don't depend on the other rows: a block joins alone.
      case .join(let join): if case .file = join.source { return nil }
      case .summarize(let keys, let aggregates):
        guard !keys.contains(where: \.looksAtOtherRows), aggregates.allSatisfy(streams) else { return nil }
        return i
      default: return nil
      }
    }
    return nil
  }

  /// An expression over aggregates that running totals can give.
  static func streams(_ e: ResolvedExpr) -> Bool {
    switch e.kind {
    case .aggregate(let a, let x):
      guard [Aggregate.count, .sum, .avg, .min, .max].contains(a), !(x?.looksAtOtherRows ?? false) else { return false }
      if a == .min || a == .max { return [DataType.int, .number, .money, .date].contains(x?.type) }
      return true
    case .column, .window: return false
    default: return e.parts.allSatisfy(streams)
    }
  }

  /// Runs `plan` through its summarize at `k` over the blocks `blocks`
  /// hands on (false: it stopped; the file is one to read whole), then
  /// the rest of the plan. Nil: the plan must run over the whole file.
  package static func streamed(
    _ plan: Plan, summarizeAt k: Int, catalog: Catalog, cancellation: Cancellation,
    blocks: (_ each: (Table) throws -> Void) throws -> Bool,
    save: @escaping (Table, String, String?, Span) throws -> Void
  ) throws -> QueryOutcome? {
    guard case .summarize(let keys, let aggregates) = plan.steps[k].step else { return nil }
    let warnings = Warnings()
    var executor = Executor(catalog: catalog, warnings: warnings, cancellation: cancellation, save: save)
    executor.blockwise = true
    var summary = RunningSummary(keys: keys, aggregates: aggregates)
    var kept = [Int](repeating: 0, count: k)
    let finished = try blocks { block in
      var t = block
      for n in 1..<k {
        t = try executor.run(plan.steps[n].step, on: t, span: plan.steps[n].span)
        t.fields = plan.steps[n].fields
        kept[n] += t.rowCount
      }
      guard try summary.add(t, executor) else { throw NotStreamed() }
    }
    // A filter that kept nothing warns of near misses over the whole column.
    let filtersKeptRows = (1..<k).allSatisfy { n in
      if case .filter = plan.steps[n].step { return kept[n] > 0 }
      return true
    }
    guard finished, filtersKeptRows, warnings.count <= 1, warnings.count == warnings.divisionByZero.count else {
      return nil
    }
    var table = try summary.table(executor)
    table.fields = plan.steps[k].fields
    // The steps after it, on the summarize's table (its key order too).
    executor.blockwise = false
    let result = try executor.run(plan, from: k + 1, on: table, after: nil)
    return QueryOutcome(plan: plan, table: result, chart: plan.chart, warnings: warnings)
  }

  /// Stops the blocks: the plan is one to run over the whole file.
  package struct NotStreamed: Error {
    package init() {}
  }
}

/// A summarize's groups and running totals, fed block by block.
struct RunningSummary {
  let keys: [ResolvedExpr]
  /// The summarize's outputs with each aggregate replaced by the column
  /// of its totals (after the keys), and the aggregates, in that order.
  var outputs: [ResolvedExpr] = []
  var calls: [(aggregate: Aggregate, argument: ResolvedExpr?, type: DataType, span: Span)] = []
  /// Each group's key values, in order of first appearance in the file.
  var groupKeys: [[Value]] = []
  var groupOf: [GroupKey: Int] = [:]
  var counts: [[Int64]] = []
  var totals: [Totals] = []
  var best: [[Value]] = []

  static let maxGroups = 1 << 20

  init(keys: [ResolvedExpr], aggregates: [ResolvedExpr]) {
    self.keys = keys
    var calls = self.calls
    func replaced(_ e: ResolvedExpr) -> ResolvedExpr {
      if case .aggregate(let a, let x) = e.kind {
        calls.append((a, x, e.type, e.span))
        var column = e
        column.kind = .column(keys.count + calls.count - 1)
        return column
      }
      return e.replacingParts(replaced)
    }
    outputs = aggregates.map(replaced)
    self.calls = calls
    counts = calls.map { _ in [] }
    totals = calls.map { Totals(groups: 0, averaging: $0.aggregate == .avg) }
    best = calls.map { _ in [] }
    if keys.isEmpty { newGroup([]) }
  }

  mutating func newGroup(_ key: [Value]) {
    groupKeys.append(key)
    for c in calls.indices {
      counts[c].append(0)
      best[c].append(.null)
      totals[c].grow(to: groupKeys.count)
    }
  }

  /// One block's rows into the totals; false past `maxGroups` groups.
  mutating func add(_ t: Table, _ executor: Executor) throws -> Bool {
    let f = executor.frame(t)
    let rows = t.rowCount
    var rowGroup = [Int](repeating: 0, count: rows)
    if !keys.isEmpty {
      let columns = try keys.map { Compiler.materialize(try Compiler.compile($0)(f), rows: rows) }
      let grouping = try Grouping(keys: columns, rows: rows, cancellation: executor.cancellation)
      let global = grouping.firstRow.map { row -> Int in
        let values = columns.map { $0[row] }
        let key = GroupKey(values)
        if let g = groupOf[key] { return g }
        groupOf[key] = groupKeys.count
        newGroup(values)
        return groupKeys.count - 1
      }
      if groupKeys.count > RunningSummary.maxGroups { return false }
      for i in 0..<rows { rowGroup[i] = global[grouping.groupOf[i]] }
    }
    for (c, call) in calls.enumerated() {
      try executor.cancellation.check()
      let x = try call.argument.map { Compiler.materialize(try Compiler.compile($0)(f), rows: rows) }
      switch call.aggregate {
      case .count:
        for i in 0..<rows where !(x?.isNull(i) ?? false) { counts[c][rowGroup[i]] += 1 }
      case .sum, .avg:
        try totals[c].add(x!, rows: rows, groupOf: rowGroup, span: call.span)
      default:
        // min and max: the first of equal values stays, as in the kernel.
        let smallest = call.aggregate == .min
        for i in 0..<rows where !x!.isNull(i) {
          let v = x![i], g = rowGroup[i]
          if best[c][g].isNull || (smallest ? RunningSummary.less(v, best[c][g]) : RunningSummary.less(best[c][g], v)) {
            best[c][g] = v
          }
        }
      }
    }
    return true
  }

  static func less(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.int(let x), .int(let y)), (.money(let x), .money(let y)): return x < y
    case (.number(let x), .number(let y)): return x < y
    case (.date(let x), .date(let y)): return x < y
    default: return false
    }
  }

  /// The summarize's table: keys then outputs, a row per group, sorted by the keys.
  func table(_ executor: Executor) throws -> Table {
    let groups = groupKeys.count
    let keyColumns = keys.indices.map { j -> Column in
      var b = ColumnBuilder(type: keys[j].type, capacity: groups)
      for g in 0..<groups { b.append(groupKeys[g][j]) }
      return b.finish()
    }
    let totalColumns = try calls.indices.map { c -> Column in
      let call = calls[c]
      switch call.aggregate {
      case .count: return Column(.int(counts[c]))
      case .sum: return try totals[c].sum(type: call.type, of: call.argument!.type, span: call.span)
      case .avg: return try totals[c].mean(type: call.type, of: call.argument!.type, span: call.span)
      default:
        var b = ColumnBuilder(type: call.type, capacity: groups)
        for v in best[c] { b.append(v) }
        return b.finish()
      }
    }
    let f = executor.frame(Table(fields: [], columns: keyColumns + totalColumns, rowCount: groups))
    let values = try outputs.map { Compiler.materialize(try Compiler.compile($0)(f), rows: groups) }
    return try executor.orderedByKeys(
      Table(fields: [], columns: keyColumns + values, rowCount: groups), keys: keys.count)
  }
}

/// A group's key values, text compared by code points as `Grouping` does
/// and -0 as 0.
struct GroupKey: Hashable {
  var parts: [Part]

  enum Part: Hashable {
    case null
    case value(Value)
    case text(CodePointString)
  }

  init(_ values: [Value]) {
    parts = values.map { v in
      switch v {
      case .null: return .null
      case .text(let s): return .text(CodePointString(s))
      case .number(let d): return .value(.number(d == 0 ? 0 : d))
      default: return .value(v)
      }
    }
  }
}

extension ResolvedExpr {
  /// The same expression with each part one level down rewritten.
  func replacingParts(_ f: (ResolvedExpr) -> ResolvedExpr) -> ResolvedExpr {
    var e = self
    switch kind {
    case .constant, .column: break
    case .toNumber(let x): e.kind = .toNumber(f(x))
    case .negate(let x): e.kind = .negate(f(x))
    case .not(let x): e.kind = .not(f(x))
    case .arithmetic(let op, let a, let b): e.kind = .arithmetic(op, f(a), f(b))
    case .compare(let op, let a, let b): e.kind = .compare(op, f(a), f(b))
    case .logic(let op, let a, let b): e.kind = .logic(op, f(a), f(b))
    case .inList(let x, let items, let negated): e.kind = .inList(f(x), items.map(f), negated: negated)
    case .function(let fn, let args): e.kind = .function(fn, args.map(f))
    case .aggregate(let a, let x): e.kind = .aggregate(a, x.map(f))
    case .window(let w, let args): e.kind = .window(w, args.map(f))
    }
    return e
  }
}
