import IQBuiltins
import IQCore
import IQPlan

/// `if(c, a, b)` evaluates `a` only on the rows where `c` is true and `b`
/// only on the others (LANGUAGE.md §10), so `if(x == "n/a", null,
/// number(x))` never reads "n/a" as a number, and a division by zero in the
/// branch not taken is no warning.
extension Compiler {
  static func compileIf(_ e: ResolvedExpr, _ args: [ResolvedExpr], function: Builtin) -> Kernel {
    // Aggregates and windows look at all the rows of a group: a branch with
    // one is worked out over every row, as any other call's arguments are.
    guard args.count == 3, !args[1].looksAtOtherRows, !args[2].looksAtOtherRows else {
      let ks = args.map(compile)
      return { f in
        try Functions.call(function, try ks.map { try $0(f) }, rows: f.rows, type: e.type, span: e.span, frame: f)
      }
    }
    let condition = compile(args[0]), then = compile(args[1]), otherwise = compile(args[2])
    let columns = [args[1], args[2]].map(\.columnsUsed)
    return { f in
      let c = try condition(f)
      if c.count == 1 {
        // One value for every row: only its branch is worked out.
        return try (c[0] == .bool(true) ? then : otherwise)(f)
      }
      var yes: [Int] = [], no: [Int] = []
      for i in 0..<f.rows {
        if c[i] == .bool(true) { yes.append(i) } else { no.append(i) }
      }
      let a = try yes.isEmpty ? nil : then(f.subset(yes, columns: columns[0]))
      let b = try no.isEmpty ? nil : otherwise(f.subset(no, columns: columns[1]))
      var out = ColumnBuilder(type: e.type, capacity: f.rows)
      var ia = 0, ib = 0
      for i in 0..<f.rows {
        if ia < yes.count && yes[ia] == i {
          out.append(a![a!.count == 1 ? 0 : ia])
          ia += 1
        } else {
          out.append(b![b!.count == 1 ? 0 : ib])
          ib += 1
        }
      }
      return out.finish()
    }
  }
}

extension Frame {
  /// The frame's rows at `indices`; only the columns in `columns` are
  /// gathered (a branch reads no others), the rest stand empty.
  func subset(_ indices: [Int], columns: Set<Int>) -> Frame {
    let t = table
    let gathered = t.columns.indices.map { i in
      columns.contains(i) ? t.columns[i].gather(indices) : Column.repeating(.null, type: t.fields[i].type, count: 1)
    }
    return Frame(
      table: Table(fields: t.fields, columns: gathered, rowCount: indices.count), warnings: warnings,
      cancellation: cancellation)
  }
}

extension ResolvedExpr {
  /// Its parts, one level down.
  var parts: [ResolvedExpr] {
    switch kind {
    case .constant, .column: return []
    case .toNumber(let x), .negate(let x), .not(let x): return [x]
    case .arithmetic(_, let a, let b), .compare(_, let a, let b), .logic(_, let a, let b): return [a, b]
    case .inList(let x, let items, _): return [x] + items
    case .function(_, let args), .window(_, let args): return args
    case .aggregate(_, let arg): return arg.map { [$0] } ?? []
    }
  }

  /// Whether it holds an aggregate or a window, which read other rows.
  var looksAtOtherRows: Bool {
    switch kind {
    case .aggregate, .window: return true
    default: return parts.contains { $0.looksAtOtherRows }
    }
  }

  /// The input columns it reads.
  var columnsUsed: Set<Int> {
    if case .column(let i) = kind { return [i] }
    return parts.reduce(into: []) { $0.formUnion($1.columnsUsed) }
  }
}
