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
  /// Steps run on one block of a file at a time (`streamed`): a filter
  /// that keeps no row of a block says nothing of near misses.
  var blockwise = false

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
    _ plan: Plan, catalog: Catalog, cancellation: Cancellation, after: ((Int, Table) -> Void)? = nil,
    save: @escaping (Table, String, String?, Span) throws -> Void
  ) throws -> QueryOutcome {
    let warnings = Warnings()
    let executor = Executor(catalog: catalog, warnings: warnings, cancellation: cancellation, save: save)
    let table = try executor.run(plan, after: after)
    return QueryOutcome(plan: plan, table: table, chart: plan.chart, warnings: warnings)
  }

  public func run(_ plan: Plan) throws -> Table {
    try run(plan, after: nil)
  }

  /// Runs the plan, handing the table after each step to `after` (for
  /// `.explain`). When nothing looks at the tables between steps, some
  /// neighbours run as one (`fused`): the answer is the same, sooner.
  public func run(_ plan: Plan, after: ((Int, Table) -> Void)?) throws -> Table {
    try run(plan, from: 0, on: Table(fields: [], columns: [], rowCount: 0), after: after)
  }

  /// The plan's steps from `start` on, on `t` (what the steps before made).
  func run(_ plan: Plan, from start: Int, on t: Table, after: ((Int, Table) -> Void)?) throws -> Table {
    var t = t
    var n = start
    while n < plan.steps.count {
      try cancellation.check()
      if after == nil, let (table, used) = try fused(plan.steps[n...], on: t) {
        t = table
        n += used
        t.fields = plan.steps[n - 1].fields
        continue
      }
      let planned = plan.steps[n]
      t = try run(planned.step, on: t, span: planned.span)
      t.fields = planned.fields
      after?(n, t)
      n += 1
    }
    return t
  }

  /// Steps that run together, and how many of them: `sort … | take n` is
  /// a top-n, which keeps the best n rows and sorts no others; after a
  /// join, a filter or a top-n reads the joined rows' columns it needs
  /// and only the rows it keeps are made whole. Nil: the first step runs alone.
  func fused(_ steps: ArraySlice<Plan.Step>, on t: Table) throws -> (Table, Int)? {
    let first = steps.startIndex
    var top: (n: Int, keys: [(ResolvedExpr, descending: Bool)], steps: Int)? = nil
    func topAt(_ i: Int) -> (Int, [(ResolvedExpr, descending: Bool)], Int)? {
      guard i < steps.endIndex else { return nil }
      switch steps[i].step {
      case .top(let n, let key, let descending): return (n, [(key, descending)], 1)
      case .sort(let keys):
        guard i + 1 < steps.endIndex, case .take(let n) = steps[i + 1].step else { return nil }
        return (n, keys, 2)
      default: return nil
      }
    }
    switch steps[first].step {
    case .sort:
      guard let (n, keys, count) = topAt(first) else { return nil }
      let (perm, order) = try sortedRows(n, keys, on: t)
      var out = try t.gatherCancellably(perm, cancellation: cancellation)
      out.order = order
      return (out, count)
    case .join(let plan):
      let rows = try joinRows(t, plan, step: steps[first].span)
      let fields = steps[first].fields
      if first + 1 < steps.endIndex, case .filter(let e) = steps[first + 1].step {
        let narrow = joined(t, plan, rows, fields: fields, only: e.columnsUsed)
        return (try joined(t, plan, rows, keeping: try filterRows(e, on: narrow)), 2)
      }
      top = topAt(first + 1)
      guard let top else { return (try joined(t, plan, rows), 1) }
      let narrow = joined(
        t, plan, rows, fields: fields, only: top.keys.reduce(into: []) { $0.formUnion($1.0.columnsUsed) })
      let (perm, order) = try sortedRows(top.n, top.keys, on: narrow)
      var out = try joined(t, plan, rows, keeping: perm)
      out.order = order
      return (out, 1 + top.steps)
    default:
      return nil
    }
  }

  /// The rows a filter keeps, warning of near misses when it keeps none.
  func filterRows(_ e: ResolvedExpr, on t: Table) throws -> [Int] {
    let c = Compiler.materialize(try Compiler.compile(e)(frame(t)), rows: t.rowCount)
    guard case .bool(let keep) = c.data else { return [] }
    var rows: [Int] = []
    if keep.count == t.rowCount {
      keep.withUnsafeBufferPointer { keep in
        if let valid = c.valid {
          for i in 0..<t.rowCount where keep[i] && valid[i] { rows.append(i) }
        } else {
          for i in 0..<t.rowCount where keep[i] { rows.append(i) }
        }
      }
    } else {
      rows = (0..<t.rowCount).filter { keep[$0] && !c.isNull($0) }  // one value for every row
    }
    if rows.isEmpty && t.rowCount > 0 && !blockwise { nearMisses(e, in: t).forEach(warnings.add) }
    return rows
  }

  /// The rows in order of the keys (all of them, or the first `n`), and
  /// the keys' values in that order, which windows and rank() follow.
  func sortedRows(_ n: Int?, _ keys: [(ResolvedExpr, descending: Bool)], on t: Table) throws -> (
    [Int], [(column: Column, descending: Bool)]
  ) {
    let cols = try keys.map {
      (Compiler.materialize(try Compiler.compile($0.0)(frame(t)), rows: t.rowCount), descending: $0.descending)
    }
    let perm =
      try n.map { try Sorting.top($0, rows: t.rowCount, keys: cols, cancellation: cancellation) }
      ?? Sorting.permutation(rows: t.rowCount, keys: cols, cancellation: cancellation)
    return (perm, cols.map { (column: $0.0.gather(perm, cancellation: cancellation), descending: $0.descending) })
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
      return try t.gatherCancellably(try filterRows(e, on: t), cancellation: cancellation)

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
      let (perm, order) = try sortedRows(nil, keys, on: t)
      var out = try t.gatherCancellably(perm, cancellation: cancellation)
      out.order = order
      return out

    case .take(let n):
      return t.gather(Array(0..<min(n, t.rowCount)))

    case .top(let n, let key, let descending):
      let (perm, order) = try sortedRows(n, [(key, descending)], on: t)
      var out = try t.gatherCancellably(perm, cancellation: cancellation)
      out.order = order
      return out

    case .join(let plan):
      return try joined(t, plan, try joinRows(t, plan, step: span))

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

  /// For each left row, the right rows whose keys equal its keys (none for
  /// a null key). One text or int key is hashed as itself; several keys are
  /// stacked and grouped (`stackedMatches`).
  package static func matches(
    left lk: [Column], leftRows: Int, right rk: [Column], rightRows: Int, cancellation: Cancellation
  ) throws -> JoinMatches {
    /// The right rows by key, each key's rows a list; then each left row's list.
    /// `l` is the left column's values, or (`rowsOfLeft` false) its dictionary's.
    func typed<K: Hashable>(_ l: [K], _ r: [K], rowsOfLeft: Bool = true) throws -> JoinMatches {
      var index: [K: Int32] = [:]
      var lists: [[Int]] = []
      for i in 0..<rightRows where !rk[0].isNull(i) {
        try cancellation.poll(i)
        if let k = index[r[i]] {
          lists[Int(k)].append(i)
        } else {
          index[r[i]] = Int32(lists.count)
          lists.append([i])
        }
      }
      var listOf = [Int32](repeating: -1, count: l.count)
      for i in l.indices where !rowsOfLeft || !lk[0].isNull(i) {
        try cancellation.poll(i)
        listOf[i] = index[l[i]] ?? -1
      }
      return JoinMatches(lists, listOf: listOf)
    }
    if lk.count == 1 {
      switch (lk[0].data, rk[0].data) {
      case (.coded(let l, let dictionary), _):
        // Match each different left value once, then rows by their codes.
        let right = rk[0].decoded()
        guard case .text(let r) = right.data else { break }
        let byText = try typed(
          dictionary.map(CodePointString.init), r.map(CodePointString.init), rowsOfLeft: false)
        var listOf = [Int32](repeating: -1, count: leftRows)
        for i in 0..<leftRows where !lk[0].isNull(i) {
          try cancellation.poll(i)
          listOf[i] = byText.listOf[Int(l[i])]
        }
        return JoinMatches(starts: byText.starts, rows: byText.rows, listOf: listOf)
      case (.text, .coded):
        return try matches(
          left: [lk[0]], leftRows: leftRows, right: [rk[0].decoded()], rightRows: rightRows, cancellation: cancellation)
      case (.text(let l), .text(let r)): return try typed(l.map(CodePointString.init), r.map(CodePointString.init))
      case (.int(let l), .int(let r)), (.money(let l), .money(let r)): return try typed(l, r)
      case (.date(let l), .date(let r)): return try typed(l, r)
      default: break
      }
    }
    if let stacked = try stackedMatches(lk, leftRows, rk, rightRows, cancellation: cancellation) { return stacked }
    return try matchesByValue(left: lk, leftRows: leftRows, right: rk, rightRows: rightRows, cancellation: cancellation)
  }

  /// Several keys: each left key column and its right one stacked into one
  /// column, and the stacked rows grouped (`Grouping`: typed, on codes, no
  /// boxed values), so rows with one group number have equal keys. Nil when
  /// a pair of columns can't be stacked (the boxed way then answers).
  static func stackedMatches(
    _ lk: [Column], _ leftRows: Int, _ rk: [Column], _ rightRows: Int, cancellation: Cancellation
  ) throws -> JoinMatches? {
    var stacked: [Column] = []
    for (l, r) in zip(lk, rk) {
      guard let c = stack(l, leftRows, r, rightRows) else { return nil }
      stacked.append(c)
    }
    let rows = leftRows + rightRows
    let groups = try Grouping(keys: stacked, rows: rows, cancellation: cancellation)
    // A row with a null key matches nothing.
    var keyed = [Bool](repeating: true, count: rows)
    for c in stacked { if let valid = c.valid { for i in 0..<rows where !valid[i] { keyed[i] = false } } }
    var listOfGroup = [Int32](repeating: -1, count: groups.count)
    var lists: [[Int]] = []
    for r in 0..<rightRows where keyed[leftRows + r] {
      try cancellation.poll(r)
      let g = groups.groupOf[leftRows + r]
      if listOfGroup[g] < 0 {
        listOfGroup[g] = Int32(lists.count)
        lists.append([])
      }
      lists[Int(listOfGroup[g])].append(r)
    }
    var listOf = [Int32](repeating: -1, count: leftRows)
    for l in 0..<leftRows where keyed[l] {
      try cancellation.poll(l)
      listOf[l] = listOfGroup[groups.groupOf[l]]
    }
    return JoinMatches(lists, listOf: listOf)
  }

  /// The rows of `a` then those of `b` as one column of their kind; text
  /// keeps one dictionary (`b`'s entries coded into `a`'s). Nil for two kinds.
  static func stack(_ a: Column, _ na: Int, _ b: Column, _ nb: Int) -> Column? {
    guard a.count == na, b.count == nb else { return nil }
    var valid: [Bool]? = nil
    if a.valid != nil || b.valid != nil {
      valid = (a.valid ?? [Bool](repeating: true, count: na)) + (b.valid ?? [Bool](repeating: true, count: nb))
    }
    switch (a.data, b.data) {
    case (.int(let x), .int(let y)): return Column(.int(x + y), valid: valid)
    case (.money(let x), .money(let y)): return Column(.money(x + y), valid: valid)
    case (.number(let x), .number(let y)): return Column(.number(x + y), valid: valid)
    case (.date(let x), .date(let y)): return Column(.date(x + y), valid: valid)
    case (.bool(let x), .bool(let y)): return Column(.bool(x + y), valid: valid)
    case (.text(let x), .text(let y)): return Column(.text(x + y), valid: valid)
    case (.coded(let x, let dx), .coded(let y, let dy)):
      var codes = TextCodes(dx)
      let remap = dy.map { codes.code($0) }
      return Column(.coded(x + y.map { remap[Int($0)] }, dictionary: codes.dictionary), valid: valid)
    case (.coded, .text), (.text, .coded): return stack(a.decoded(), na, b.decoded(), nb)
    default: return nil
    }
  }

  /// Several keys matched as boxed values (text by code points), where two
  /// key columns can't be stacked.
  package static func matchesByValue(
    left lk: [Column], leftRows: Int, right rk: [Column], rightRows: Int, cancellation: Cancellation
  ) throws -> JoinMatches {
    var index: [GroupKey: Int32] = [:]
    var lists: [[Int]] = []
    for r in 0..<rightRows {
      try cancellation.poll(r)
      let key = rk.map { $0[r] }
      if key.contains(where: \.isNull) { continue }
      if let k = index[GroupKey(key)] {
        lists[Int(k)].append(r)
      } else {
        index[GroupKey(key)] = Int32(lists.count)
        lists.append([r])
      }
    }
    var listOf = [Int32](repeating: -1, count: leftRows)
    for l in 0..<leftRows {
      if l % 4096 == 0 { try cancellation.check() }
      let key = lk.map { $0[l] }
      if !key.contains(where: \.isNull) { listOf[l] = index[GroupKey(key)] ?? -1 }
    }
    return JoinMatches(lists, listOf: listOf)
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

  /// Which rows make a join's output: for each output row, its input row
  /// and its row of the joined table (-1: none, a left join's miss).
  struct JoinRows {
    var right: Table
    /// Nil: each input row matched one row, so its rows stay as they are.
    var left: [Int]?
    var rightRows: [Int]
  }

  /// Hash join: the input's row order is kept, and a row matching several
  /// rows of the joined table is followed by them in that table's order.
  func joinRows(_ t: Table, _ plan: JoinPlan, step: Span) throws -> JoinRows {
    let right = try load(plan.source)
    func keyColumns(_ table: Table, _ indices: [Int], other: Table, _ otherIndices: [Int]) -> [Column] {
      zip(indices, otherIndices).map { i, j in
        let c = table.columns[i]
        return c.type != other.columns[j].type && c.type.isNumeric ? c.widened(to: .number) : c
      }
    }
    let lk = keyColumns(t, plan.leftKeys, other: right, plan.rightKeys)
    let rk = keyColumns(right, plan.rightKeys, other: t, plan.leftKeys)
    let matches = try Executor.matches(
      left: lk, leftRows: t.rowCount, right: rk, rightRows: right.rowCount, cancellation: cancellation)
    // Count the output first, so a join that would explode is refused
    // before any memory is spent on it.
    var total = 0
    var eachOnce = true
    matches.listOf.withUnsafeBufferPointer { listOf in
      for l in 0..<t.rowCount {
        let size = listOf[l] < 0 ? 0 : matches.size(Int(listOf[l]))
        total += size == 0 && plan.isLeft ? 1 : size
        if size != 1 { eachOnce = false }
      }
    }
    let width = t.columns.count + plan.rightKept.count
    if total > Executor.maxJoinRows || total * max(1, width) > Executor.maxJoinCells {
      throw Diagnostic(
        "this join would give \(groupThousands(String(total))) rows, more than iq will hold (\(groupThousands(String(min(Executor.maxJoinRows, Executor.maxJoinCells / max(1, width))))))",
        at: plan.span, help: "join on more columns, or filter both sides first, so that each row matches fewer rows")
    }
    if !plan.many, total > t.rowCount, let d = fanOut(t, right, plan, matches, total: total, step: step) {
      warnings.add(d)
    }
    try cancellation.check()
    if eachOnce {
      // Each row matches one row: the input's rows stay as they are.
      let ri = matches.listOf.map { matches.rows[matches.starts[Int($0)]] }
      return JoinRows(right: right, left: nil, rightRows: ri)
    }
    var li: [Int] = []
    var ri: [Int] = []
    li.reserveCapacity(total)
    ri.reserveCapacity(total)
    for l in 0..<t.rowCount {
      if l % 4096 == 0 { try cancellation.check() }
      let k = Int(matches.listOf[l])
      if k >= 0 {
        for r in matches.rows[matches.starts[k]..<matches.starts[k + 1]] {
          li.append(l)
          ri.append(r)
        }
      } else if plan.isLeft {
        li.append(l)
        ri.append(-1)
      }
    }
    return JoinRows(right: right, left: li, rightRows: ri)
  }

  /// The join's output, or its rows at `keeping` (positions in the output).
  func joined(_ t: Table, _ plan: JoinPlan, _ rows: JoinRows, keeping: [Int]? = nil) throws -> Table {
    var (li, ri) = (rows.left ?? [], rows.rightRows)
    if let keeping {
      li = rows.left.map { li in keeping.map { li[$0] } } ?? keeping
      ri = keeping.map { ri[$0] }
    }
    try cancellation.check()
    // Each row matching one row (a lookup table such as areas) keeps the
    // input's columns as they are.
    var out = rows.left == nil && keeping == nil ? t : try t.gatherCancellably(li, cancellation: cancellation)
    for c in plan.rightKept {
      try cancellation.check()
      out.columns.append(rows.right.columns[c].gather(ri))
    }
    return out
  }

  /// The join's output with only the columns at `only` made; the others
  /// stand empty (a step after reads no others).
  func joined(_ t: Table, _ plan: JoinPlan, _ rows: JoinRows, fields: [Field], only: Set<Int>) -> Table {
    let columns = fields.indices.map { i -> Column in
      guard only.contains(i) else { return Column.repeating(.null, type: fields[i].type, count: 1) }
      if i < t.columns.count { return rows.left.map { t.columns[i].gather($0) } ?? t.columns[i] }
      return rows.right.columns[plan.rightKept[i - t.columns.count]].gather(rows.rightRows)
    }
    var out = Table(fields: fields, columns: columns, rowCount: rows.rightRows.count)
    out.order = t.order?.map { o in (rows.left.map { o.column.gather($0) } ?? o.column, o.descending) }
    return out
  }
}

/// Which right rows each left row of a join matches: lists of right rows
/// end to end, and each left row's list, so left rows with one key share
/// one list and nothing is counted per row.
package struct JoinMatches {
  /// List k is `rows[starts[k]..<starts[k + 1]]`.
  package var starts: [Int]
  package var rows: [Int]
  /// Each left row's list; -1: no match, or a null key.
  package var listOf: [Int32]

  init(starts: [Int], rows: [Int], listOf: [Int32]) {
    self.starts = starts
    self.rows = rows
    self.listOf = listOf
  }

  init(_ lists: [[Int]], listOf: [Int32]) {
    var starts = [0]
    starts.reserveCapacity(lists.count + 1)
    for list in lists { starts.append(starts.last! + list.count) }
    self.init(starts: starts, rows: lists.flatMap { $0 }, listOf: listOf)
  }

  func size(_ list: Int) -> Int { starts[list + 1] - starts[list] }

  /// Left row i's matches; nil when it has none.
  package subscript(i: Int) -> ArraySlice<Int>? {
    let k = Int(listOf[i])
    return k < 0 ? nil : rows[starts[k]..<starts[k + 1]]
  }

  /// Left rows with no match.
  package var unmatched: Int { listOf.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }
}
