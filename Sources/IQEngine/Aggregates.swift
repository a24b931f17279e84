import IQCore
import IQPlan

/// Aggregates over groups of rows; nulls are skipped, and over no values
/// every aggregate but count is null.
enum Aggregates {
  static func compute(_ agg: Aggregate, _ input: Column?, grouping: Grouping, rows: Int, type: DataType, span: Span)
    throws -> Column
  {
    try Cancellation.shared.check()
    let groups = grouping.count
    let g = grouping.groupOf
    if agg == .count && input == nil {
      var counts = [Int64](repeating: 0, count: groups)
      for i in 0..<rows { counts[g[i]] += 1 }
      return Column(.int(counts))
    }
    let x = Compiler.materialize(input!, rows: rows)
    switch agg {
    case .count:
      var counts = [Int64](repeating: 0, count: groups)
      for i in 0..<rows where !x.isNull(i) { counts[g[i]] += 1 }
      return Column(.int(counts))

    case .count_distinct:
      let codes = try Grouping.codes(x, rows: rows).codes
      var seen = Set<Grouping.Pair>()
      var counts = [Int64](repeating: 0, count: groups)
      for i in 0..<rows where !x.isNull(i) {
        try Cancellation.poll(i)
        if seen.insert(Grouping.Pair(a: g[i], b: codes[i])).inserted { counts[g[i]] += 1 }
      }
      return Column(.int(counts))

    case .sum:
      switch x.data {
      case .int(let a), .money(let a):
        var sums = [Int64](repeating: 0, count: groups)
        var any = [Bool](repeating: false, count: groups)
        for i in 0..<rows where !x.isNull(i) {
          let (s, o) = sums[g[i]].addingReportingOverflow(a[i])
          if o {
            throw Diagnostic(
              "integer overflow in sum: the total is past ±9,223,372,036,854,775,807", at: span,
              help: "sum(number(x)) adds as numbers")
          }
          sums[g[i]] = s
          any[g[i]] = true
        }
        return Column(x.type == .money ? .money(sums) : .int(sums), valid: any)
      case .number(let a):
        var sums = [Double](repeating: 0, count: groups)
        var any = [Bool](repeating: false, count: groups)
        for i in 0..<rows where !x.isNull(i) {
          sums[g[i]] += a[i]
          any[g[i]] = true
        }
        for total in sums { _ = try Kernels.finite(total, in: "sum", span: span) }
        return Column(.number(sums), valid: any)
      default:
        return Column.repeating(.null, type: type, count: groups)
      }

    case .avg:
      var sums = [Double](repeating: 0, count: groups)
      var exact = [Int64](repeating: 0, count: groups)
      var counts = [Int](repeating: 0, count: groups)
      var exactOverflow = false
      for i in 0..<rows where !x.isNull(i) {
        counts[g[i]] += 1
        switch x.data {
        case .int(let a), .money(let a):
          let (s, o) = exact[g[i]].addingReportingOverflow(a[i])
          exact[g[i]] = s
          exactOverflow = exactOverflow || o
          sums[g[i]] += Double(a[i])
        case .number(let a): sums[g[i]] += a[i]
        default: break
        }
      }
      let valid = counts.map { $0 > 0 }
      if type == .money {
        let r = try (0..<groups).map { k -> Int64 in
          guard counts[k] > 0 else { return 0 }
          guard !exactOverflow, let p = Money.divide(exact[k], by: Double(counts[k])) else {
            throw Diagnostic("money overflow in avg", at: span)
          }
          return p
        }
        return Column(.money(r), valid: valid)
      }
      let useExact = !exactOverflow && x.type == .int
      return Column(
        .number(
          try (0..<groups).map { k in
            counts[k] == 0
              ? 0
              : try Kernels.finite((useExact ? Double(exact[k]) : sums[k]) / Double(counts[k]), in: "avg", span: span)
          }),
        valid: valid)

    case .min, .max, .first, .last:
      var pick = [Int](repeating: -1, count: groups)
      let order = x.type == .null ? nil : Sorting.comparator(x, descending: false)
      for i in 0..<rows where !x.isNull(i) {
        let k = g[i]
        let current = pick[k]
        if current < 0 {
          pick[k] = i
          continue
        }
        switch agg {
        case .min: if order!(i, current) < 0 { pick[k] = i }
        case .max: if order!(i, current) > 0 { pick[k] = i }
        case .last: pick[k] = i
        default: break
        }
      }
      return x.gather(pick)

    case .median:
      // The middle value, or the mean of the middle two; money stays exact.
      var values = [[Double]](repeating: [], count: groups)
      var pence = [[Int64]](repeating: [], count: groups)
      for i in 0..<rows where !x.isNull(i) {
        switch x.data {
        case .money(let a): pence[g[i]].append(a[i])
        case .int(let a): values[g[i]].append(Double(a[i]))
        case .number(let a): values[g[i]].append(a[i])
        default: break
        }
      }
      if type == .money {
        var out = [Int64](repeating: 0, count: groups)
        for k in 0..<groups where !pence[k].isEmpty {
          try Cancellation.shared.check()
          let v = pence[k].sorted()
          let h = v.count / 2
          out[k] = v.count % 2 == 1 ? v[h] : roundedMean(v[h - 1], v[h])
        }
        return Column(.money(out), valid: pence.map { !$0.isEmpty })
      }
      var out = [Double](repeating: 0, count: groups)
      for k in 0..<groups where !values[k].isEmpty {
        try Cancellation.shared.check()
        let v = values[k].sorted()
        let h = v.count / 2
        // Halved first: the mean of two values near the largest double is one.
        out[k] = v.count % 2 == 1 ? v[h] : v[h - 1] / 2 + v[h] / 2
      }
      return Column(.number(out), valid: values.map { !$0.isEmpty })

    case .stddev:
      // Sample standard deviation (n − 1), by Welford's method.
      var n = [Double](repeating: 0, count: groups)
      var mean = [Double](repeating: 0, count: groups)
      var m2 = [Double](repeating: 0, count: groups)
      for i in 0..<rows where !x.isNull(i) {
        let v: Double
        switch x.data {
        case .int(let a): v = Double(a[i])
        case .money(let a): v = Double(a[i]) / 100
        case .number(let a): v = a[i]
        default: continue
        }
        let k = g[i]
        n[k] += 1
        let d = v - mean[k]
        mean[k] += d / n[k]
        m2[k] += d * (v - mean[k])
      }
      return Column(
        .number(
          try (0..<groups).map {
            n[$0] > 1 ? try Kernels.finite((m2[$0] / (n[$0] - 1)).squareRoot(), in: "stddev", span: span) : 0
          }),
        valid: n.map { $0 > 1 })
    }
  }
}

/// The mean of two amounts in pence, rounded half away from zero, without overflow.
func roundedMean(_ a: Int64, _ b: Int64) -> Int64 {
  let (sum, overflow) = a.addingReportingOverflow(b)
  if !overflow { return sum / 2 + (sum % 2 == 0 ? 0 : (sum > 0 ? 1 : -1)) }
  return a / 2 + b / 2 + (a % 2 + b % 2) / 2
}

/// Window functions: within each `by` group, in the current row order.
enum Windows {
  static func compute(_ w: Window, _ args: [Column], frame: Frame, type: DataType, span: Span) throws -> Column {
    let rows = frame.rows
    let grouping = frame.grouping ?? .single(rows: rows)
    try Cancellation.shared.check()
    var members = [[Int]](repeating: [], count: grouping.count)
    for i in 0..<rows {
      try Cancellation.poll(i)
      members[grouping.groupOf[i]].append(i)
    }
    switch w {
    case .row_number:
      var out = [Int64](repeating: 0, count: rows)
      for m in members {
        for (k, i) in m.enumerated() { out[i] = Int64(k + 1) }
      }
      return Column(.int(out))
    case .rank:
      let keys = frame.table.order ?? []
      let comparators = keys.map { Sorting.comparator($0.column, descending: $0.descending) }
      var out = [Int64](repeating: 0, count: rows)
      for m in members {
        for (k, i) in m.enumerated() {
          if k > 0 && comparators.allSatisfy({ $0(m[k - 1], i) == 0 }) {
            out[i] = out[m[k - 1]]
          } else {
            out[i] = Int64(k + 1)
          }
        }
      }
      return Column(.int(out))
    case .lag, .lead:
      let x = Compiler.materialize(args[0], rows: rows)
      var offset = 1
      if args.count > 1, case .int(let n) = args[1][0] { offset = Int(n) }
      var pick = [Int](repeating: -1, count: rows)
      for m in members {
        for (k, i) in m.enumerated() {
          let j = w == .lag ? k - offset : k + offset
          if j >= 0 && j < m.count { pick[i] = m[j] }
        }
      }
      return x.gather(pick)
    case .running_sum:
      let x = Compiler.materialize(args[0], rows: rows)
      var b = ColumnBuilder(type: type, capacity: rows)
      var out = [Value](repeating: .null, count: rows)
      for m in members {
        var total: Value = .null
        for i in m {
          try Cancellation.poll(i)
          switch (total, x[i]) {
          case (_, .null): break
          case (.null, let v): total = v
          case (.int(let s), .int(let v)), (.money(let s), .money(let v)):
            let (r, o) = s.addingReportingOverflow(v)
            if o { throw Diagnostic("integer overflow in running_sum", at: span) }
            total = x.type == .money ? .money(r) : .int(r)
          case (.number(let s), .number(let v)):
            total = .number(try Kernels.finite(s + v, in: "running_sum", span: span))
          default: break
          }
          out[i] = total
        }
      }
      for v in out { b.append(v) }
      return b.finish()
    }
  }
}
