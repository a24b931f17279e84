import IQCore
import IQPlan

/// The steps whose running takes more than a few lines, one method each.
extension Executor {
  func derive(_ items: [(expr: ResolvedExpr, replacing: Int?)], groups: [ResolvedExpr], on t: Table) throws -> Table {
    var out = t
    let grouping: Grouping? =
      groups.isEmpty
      ? nil
      : try Grouping(
        keys: try groups.map { Compiler.materialize(try Compiler.compile($0)(frame(t)), rows: t.rowCount) },
        rows: t.rowCount, cancellation: cancellation)
    for (e, replacing) in items {
      let f = Frame(
        table: out, aggregateInput: out, grouping: grouping, broadcast: true, warnings: warnings,
        cancellation: cancellation)
      let c = Compiler.materialize(try Compiler.compile(e)(f), rows: t.rowCount)
      if let i = replacing {
        out.columns[i] = c
        out.fields[i].type = c.type
      } else {
        out.columns.append(c)
        out.fields.append(Field("", c.type))
      }
    }
    return out
  }

  func summarize(keys keyExprs: [ResolvedExpr], aggregates aggs: [ResolvedExpr], on t: Table) throws -> Table {
    let keys = try keyExprs.map { Compiler.materialize(try Compiler.compile($0)(frame(t)), rows: t.rowCount) }
    let grouping = try Grouping(keys: keys, rows: t.rowCount, cancellation: cancellation)
    let groupCount = keys.isEmpty ? 1 : grouping.count
    let keyTable = Table(fields: [], columns: keys.map { $0.gather(grouping.firstRow) }, rowCount: groupCount)
    let f = Frame(
      table: keyTable, aggregateInput: t, grouping: grouping, warnings: warnings, cancellation: cancellation)
    let values = try aggs.map { Compiler.materialize(try Compiler.compile($0)(f), rows: groupCount) }
    return try orderedByKeys(
      Table(fields: [], columns: keyTable.columns + values, rowCount: groupCount), keys: keys.count)
  }

  /// A summarize's rows sorted by its keys (the first `keys` columns),
  /// ascending, nulls last, which later windows follow.
  func orderedByKeys(_ t: Table, keys: Int) throws -> Table {
    guard keys > 0 else { return t }
    let perm = try Sorting.permutation(
      rows: t.rowCount, keys: t.columns.prefix(keys).map { ($0, false) }, cancellation: cancellation)
    var out = t.gather(perm)
    out.order = out.columns.prefix(keys).map { ($0, false) }
    return out
  }

  func append(_ source: TableSource, mapping: [Int?], to t: Table) throws -> Table {
    let right = try load(source)
    var columns: [Column] = []
    for (i, j) in mapping.enumerated() {
      let left = i < t.columns.count ? t.columns[i] : nil
      let r = j.map { right.columns[$0] }
      columns.append(concat(left, t.rowCount, r, right.rowCount))
    }
    return Table(fields: [], columns: columns, rowCount: t.rowCount + right.rowCount)
  }

  func chart(_ spec: ChartSpec, on t: Table, span: Span) throws -> Table {
    let f = frame(t)
    var columns = [spec.x, spec.y].map { _ in Column(.null(0)) }
    columns[0] = Compiler.materialize(try Compiler.compile(spec.x)(f), rows: t.rowCount)
    columns[1] = Compiler.materialize(try Compiler.compile(spec.y)(f), rows: t.rowCount)
    if let s = spec.series { columns.append(Compiler.materialize(try Compiler.compile(s)(f), rows: t.rowCount)) }
    if spec.kind == .spc {
      let spc = SPCAnalysis(columns[1].plottedNumbers.map { $0 ?? 0 })
      guard [spc.mean, spc.lowerLimit, spc.upperLimit].allSatisfy(\.isFinite) else {
        throw Diagnostic(
          "number overflow in spc: the mean or process limits are past ±1.8e308", at: span,
          help: "scale the values first, e.g. derive y = x / 1e300")
      }
    }
    return Table(fields: [], columns: columns, rowCount: t.rowCount)
  }
}
