import IQCore

/// An aggregate, declared once: the argument types it takes and the type it
/// gives, how `.explain` says it, what it computes over each group, its
/// SQL, and its help. Nulls are skipped, and over no values every
/// aggregate but count is null.
public struct Aggregate: Sendable {
  public let name: String
  /// Its `.help` page; nil when another's page covers it (`max` is under `min`).
  public let help: HelpPage?
  /// The argument's types (nil: any).
  public let allowed: [DataType]?
  /// The result's type for the argument's.
  public let result: @Sendable (DataType) -> DataType
  /// What it does, for `.explain`: `add up total`; the argument as written (nil: none).
  public let explained: @Sendable (String?) -> String
  /// The value of each group; `x` is nil only for `count()`.
  package let kernel: Kernel
  /// The argument (nil for `count()`), the groups, the rows, the result's
  /// type, the call, and the query's cancellation.
  package typealias Kernel =
    @Sendable (Column?, Grouping, Int, DataType, Span, Cancellation) throws -> Column
  public let sql: AggregateSQL

  public var rawValue: String { name }

  init(
    _ name: String, help: HelpPage?, allowed: [DataType]? = nil,
    result: @escaping @Sendable (DataType) -> DataType = { $0 },
    explained: @escaping @Sendable (String?) -> String,
    kernel: @escaping Kernel,
    sql: AggregateSQL
  ) {
    self.name = name
    self.help = help
    self.allowed = allowed
    self.result = result
    self.explained = explained
    self.kernel = kernel
    self.sql = sql
  }

  /// Every aggregate, in the order `.help` lists them.
  public static let allCases: [Aggregate] = [
    count, count_distinct, sum, avg, min, max, median, stddev, first, last,
  ]

  public init?(rawValue: String) {
    guard let a = Aggregate.allCases.first(where: { $0.name == rawValue }) else { return nil }
    self = a
  }
}

extension Aggregate: Equatable {
  public static func == (a: Aggregate, b: Aggregate) -> Bool { a.name == b.name }
}

/// A `.help` page of an aggregate or window: its name in the help index,
/// how it is written, what it does, and an example `.help` runs.
public struct HelpPage: Sendable {
  public let topic: String
  public let usage: String
  public let summary: String
  public let example: String
}

/// An aggregate's SQL: the call on its argument's SQL and, in `derive`, the
/// `OVER (…)` that makes it a window over the group (unless `inDerive` is
/// false: then it has none in derive); or why it has none.
public enum AggregateSQL: Sendable {
  case call(
    inDerive: Bool,
    @Sendable (
      _ argument: String, _ over: String, _ result: DataType, _ dialect: SQLDialect,
      _ argumentType: DataType?
    ) throws -> String)
  case none(String)
}

private let numeric: [DataType] = [.int, .number, .money]

extension Aggregate {
  public static let count = Aggregate(
    "count",
    help: HelpPage(
      topic: "count()", usage: "count() · count(x) · count_distinct(x)",
      summary: "Rows; values that are not null; different values.",
      example: "from delayed_days | summarize rows = count(), areas = count_distinct(area)"),
    result: { _ in .int }, explained: { $0.map { "count the \($0) values" } ?? "count the rows" },
    kernel: { x, groups, rows, _, _, cancellation in
      var counts = [Int64](repeating: 0, count: groups.count)
      let g = groups.groupOf
      if let x {
        for i in 0..<rows where !x.isNull(i) { counts[g[i]] += 1 }
      } else {
        for i in 0..<rows { counts[g[i]] += 1 }
      }
      return Column(.int(counts))
    },
    sql: .call(inDerive: true) { x, over, _, d, given in d.bigint("COUNT(\(x))\(over)") })

  public static let count_distinct = Aggregate(
    "count_distinct", help: nil, result: { _ in .int }, explained: { "count the different \($0 ?? "")" },
    kernel: { x, groups, rows, _, _, cancellation in
      let x = x!
      let g = groups.groupOf
      let codes = try Grouping.codes(x, rows: rows, cancellation: cancellation).codes
      var seen = Set<Grouping.Pair>()
      var counts = [Int64](repeating: 0, count: groups.count)
      for i in 0..<rows where !x.isNull(i) {
        try cancellation.poll(i)
        if seen.insert(Grouping.Pair(a: g[i], b: codes[i])).inserted { counts[g[i]] += 1 }
      }
      return Column(.int(counts))
    },
    sql: .call(inDerive: true) { x, over, _, d, given in
      guard !over.isEmpty else { return d.bigint("COUNT(DISTINCT \(x))") }
      // No engine counts distinct values over a window; two dense ranks,
      // one each way, add up to the number of values plus one, and a null
      // (ranked as a value) is taken off again.
      let window = String(over.dropLast())
      let key = given == .text ? d.codePoint(x) : x
      let separator = window.hasSuffix("(") ? "" : " "
      // The two orders must be each other's reverse, null included:
      // DuckDB puts nulls last both ways unless told; T-SQL can't be told,
      // and reverses them already.
      let (up, down) = d == .tsql ? ("ASC", "DESC") : ("ASC NULLS LAST", "DESC NULLS FIRST")
      return """
        (DENSE_RANK()\(window)\(separator)ORDER BY \(key) \(up)) + DENSE_RANK()\(window)\(separator)ORDER BY \(key) \(down)) - 1 \
        - MAX(CASE WHEN \(x) IS NULL THEN 1 ELSE 0 END)\(over))
        """
    })

  public static let sum = Aggregate(
    "sum",
    help: HelpPage(
      topic: "sum", usage: "sum(x)", summary: "The total, skipping nulls; money stays money.",
      example: "from england | summarize days = sum(total) by fy | take 3"),
    allowed: numeric, explained: { "add up \($0 ?? "")" },
    kernel: { x, groups, rows, type, span, cancellation in
      var totals = Totals(groups: groups.count, averaging: false)
      try totals.add(x!, rows: rows, groupOf: groups.groupOf, span: span)
      return try totals.sum(type: type, of: x!.type, span: span)
    },
    sql: .call(inDerive: true) { x, over, result, d, given in
      // PostgreSQL sums integers as numerics and DuckDB as 128-bit: back to 64.
      result == .number ? "SUM(\(x))\(over)" : d.bigint("SUM(\(x))\(over)")
    })

  public static let avg = Aggregate(
    "avg",
    help: HelpPage(
      topic: "avg", usage: "avg(x)", summary: "The mean, skipping nulls; of money, money rounded to the penny.",
      example: "from england | summarize mean = avg(total) by fy | take 3"),
    allowed: numeric, result: { $0 == .money ? .money : .number }, explained: { "average \($0 ?? "")" },
    kernel: { x, groups, rows, type, span, cancellation in
      var totals = Totals(groups: groups.count, averaging: true)
      try totals.add(x!, rows: rows, groupOf: groups.groupOf, span: span)
      return try totals.mean(type: type, of: x!.type, span: span)
    },
    sql: .call(inDerive: true) { x, over, result, d, given in
      let mean = "AVG(\(d.double(x)))\(over)"
      return result == .money ? d.roundedToWhole(mean) : mean
    })

  public static let min = pick(
    "min",
    help: HelpPage(
      topic: "min", usage: "min(x) · max(x)", summary: "The smallest and largest values.",
      example: "from england | summarize low = min(total), high = max(total)"),
    explained: { "find the smallest \($0 ?? "")" }, sql: "MIN"
  ) { order, i, current in order(i, current) < 0 }

  public static let max = pick("max", help: nil, explained: { "find the largest \($0 ?? "")" }, sql: "MAX") {
    order, i, current in order(i, current) > 0
  }

  public static let first = pick(
    "first",
    help: HelpPage(
      topic: "first", usage: "first(x) · last(x)",
      summary: "The first and last non-null values, in the current row order.",
      example: "from england | sort month | summarize opening = first(total), closing = last(total) by fy | take 3"),
    explained: { "take the first \($0 ?? "")" }, sql: nil
  ) { _, _, _ in false }

  /// first and last: the value of the group's first (or last) row where it
  /// isn't null, by iq's row order (`_ord`), which SQL's aggregates otherwise ignore.
  private static func picked(last: Bool) -> AggregateSQL {
    .call(inDerive: false) { x, _, _, d, given in
      let place = "CASE WHEN \(x) IS NOT NULL THEN _ord END"
      switch d {
      case .duckdb: return "\(last ? "arg_max" : "arg_min")(\(x), \(place))"
      case .spark: return "\(last ? "max_by" : "min_by")(\(x), \(place))"
      case .postgres:
        return "(array_agg(\(x) ORDER BY _ord \(last ? "DESC" : "ASC")) FILTER (WHERE \(x) IS NOT NULL))[1]"
      default: throw SQLRefusal("\(last ? "last" : "first")() (\(d.title) has no aggregate that keeps an order)")
      }
    }
  }

  public static let last = pick("last", help: nil, explained: { "take the last \($0 ?? "")" }, sql: nil) {
    _, _, _ in true
  }

  /// min, max, first, last: one row of each group, the first met unless
  /// `replaces(order, row, current)` says a later one is the one.
  private static func pick(
    _ name: String, help: HelpPage?, explained: @escaping @Sendable (String?) -> String, sql: String?,
    replaces: @escaping @Sendable (Sorting.Comparator, Int, Int) -> Bool
  ) -> Aggregate {
    Aggregate(
      name, help: help, explained: explained,
      kernel: { x, groups, rows, _, _, cancellation in
        let x = x!
        var pick = [Int](repeating: -1, count: groups.count)
        let order = x.type == .null ? { _, _ in 0 } : Sorting.comparator(x, descending: false)
        for i in 0..<rows where !x.isNull(i) {
          let k = groups.groupOf[i]
          if pick[k] < 0 || replaces(order, i, pick[k]) { pick[k] = i }
        }
        return x.gather(pick)
      },
      sql: sql.map { f in
        .call(inDerive: true) { x, over, result, d, given in "\(f)(\(result == .text ? d.codePoint(x) : x))\(over)" }
      }
        ?? picked(last: name == "last"))
  }

  public static let median = Aggregate(
    "median",
    help: HelpPage(
      topic: "median", usage: "median(x)", summary: "The middle value (the mean of the middle two for an even count).",
      example: "from england | summarize middle = median(total) by fy | take 3"),
    allowed: numeric, result: { $0 == .money ? .money : .number }, explained: { "find the median \($0 ?? "")" },
    kernel: { x, groups, rows, type, _, cancellation in
      // The middle value, or the mean of the middle two; money stays exact.
      let x = x!
      let g = groups.groupOf
      var values = [[Double]](repeating: [], count: groups.count)
      var pence = [[Int64]](repeating: [], count: groups.count)
      for i in 0..<rows where !x.isNull(i) {
        switch x.data {
        case .money(let a): pence[g[i]].append(a[i])
        case .int(let a): values[g[i]].append(Double(a[i]))
        case .number(let a): values[g[i]].append(a[i])
        default: break
        }
      }
      if type == .money {
        var out = [Int64](repeating: 0, count: groups.count)
        for k in 0..<groups.count where !pence[k].isEmpty {
          try cancellation.check()
          let v = pence[k].sorted()
          let h = v.count / 2
          out[k] = v.count % 2 == 1 ? v[h] : roundedMean(v[h - 1], v[h])
        }
        return Column(.money(out), valid: pence.map { !$0.isEmpty })
      }
      var out = [Double](repeating: 0, count: groups.count)
      for k in 0..<groups.count where !values[k].isEmpty {
        try cancellation.check()
        let v = values[k].sorted()
        let h = v.count / 2
        // Halved first: the mean of two values near the largest double is one.
        out[k] = v.count % 2 == 1 ? v[h] : v[h - 1] / 2 + v[h] / 2
      }
      return Column(.number(out), valid: values.map { !$0.isEmpty })
    },
    sql: .call(inDerive: true) { x, over, result, d, given in
      let middle: String
      switch (d, over.isEmpty) {
      case (.duckdb, _): middle = "quantile_cont(\(x), 0.5)\(over)"
      case (.spark, _): middle = "percentile(\(x), 0.5)\(over)"
      case (.postgres, true): middle = "percentile_cont(0.5) WITHIN GROUP (ORDER BY \(x))"
      case (.tsql, false): middle = "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY \(x))\(over)"
      default: throw SQLRefusal("median()\(over.isEmpty ? "" : " in derive") (\(d.title) has no such aggregate here)")
      }
      return result == .money ? d.roundedToWhole(middle) : d.double(middle)
    })

  public static let stddev = Aggregate(
    "stddev",
    help: HelpPage(
      topic: "stddev", usage: "stddev(x)", summary: "The sample standard deviation (n − 1).",
      example: "from england | summarize spread = round(stddev(total), 1) by fy | take 3"),
    allowed: numeric, result: { _ in .number }, explained: { "measure the spread of \($0 ?? "")" },
    kernel: { x, groups, rows, _, span, cancellation in
      // Sample standard deviation (n − 1), by Welford's method.
      let x = x!
      var n = [Double](repeating: 0, count: groups.count)
      var mean = [Double](repeating: 0, count: groups.count)
      var m2 = [Double](repeating: 0, count: groups.count)
      for i in 0..<rows where !x.isNull(i) {
        let v: Double
        switch x.data {
        case .int(let a): v = Double(a[i])
        case .money(let a): v = Double(a[i]) / 100
        case .number(let a): v = a[i]
        default: continue
        }
        let k = groups.groupOf[i]
        n[k] += 1
        let d = v - mean[k]
        mean[k] += d / n[k]
        m2[k] += d * (v - mean[k])
      }
      let deviations = try (0..<groups.count).map {
        n[$0] > 1 ? try finite((m2[$0] / (n[$0] - 1)).squareRoot(), in: "stddev", span: span) : 0
      }
      return Column(.number(deviations), valid: n.map { $0 > 1 })
    },
    sql: .call(inDerive: true) { x, over, result, d, given in
      // Money's spread is in pounds, as iq gives it.
      let pounds = given == .money ? "(\(d.double(x)) / 100)" : d.double(x)
      switch d {
      case .sqlite: throw SQLRefusal("stddev() (SQLite has no such aggregate)")
      case .tsql: return "STDEV(\(pounds))\(over)"
      default: return "stddev_samp(\(pounds))\(over)"
      }
    })
}

/// The mean of two amounts in pence, rounded half away from zero, without overflow.
func roundedMean(_ a: Int64, _ b: Int64) -> Int64 {
  let (sum, overflow) = a.addingReportingOverflow(b)
  if !overflow { return sum / 2 + (sum % 2 == 0 ? 0 : (sum > 0 ? 1 : -1)) }
  return a / 2 + b / 2 + (a % 2 + b % 2) / 2
}

/// The running totals of sum and avg per group, fed rows in order: all of
/// them at once by the kernels, or a block at a time when a file is read
/// in blocks (`Executor.streamed`), so both add in the same order and give
/// the same bits.
package struct Totals {
  /// Numbers' sums (and avg's sums of whole numbers as numbers).
  var sums: [Double]
  /// Whole numbers' and pence's exact sums.
  var exact: [Int64]
  /// Values that aren't null, per group.
  var counts: [Int]
  /// avg: an exact sum went past Int64 (sum throws instead).
  var overflow = false
  let averaging: Bool

  package init(groups: Int, averaging: Bool) {
    sums = [Double](repeating: 0, count: groups)
    exact = [Int64](repeating: 0, count: groups)
    counts = [Int](repeating: 0, count: groups)
    self.averaging = averaging
  }

  package var groups: Int { counts.count }

  /// Room for groups first met later.
  package mutating func grow(to groups: Int) {
    guard groups > counts.count else { return }
    let more = groups - counts.count
    sums += repeatElement(0, count: more)
    exact += repeatElement(0, count: more)
    counts += repeatElement(0, count: more)
  }

  /// Row i of `x` (of `rows`) into group `g[i]`.
  package mutating func add(_ x: Column, rows: Int, groupOf g: [Int], span: Span) throws {
    switch x.data {
    case .int(let a), .money(let a):
      for i in 0..<rows where !x.isNull(i) {
        counts[g[i]] += 1
        let (s, o) = exact[g[i]].addingReportingOverflow(a[i])
        if averaging {
          overflow = overflow || o
          sums[g[i]] += Double(a[i])
        } else if o {
          throw Diagnostic(
            "integer overflow in sum: the total is past ±9,223,372,036,854,775,807", at: span,
            help: "sum(number(x)) adds as numbers")
        }
        exact[g[i]] = s
      }
    case .number(let a):
      for i in 0..<rows where !x.isNull(i) {
        counts[g[i]] += 1
        sums[g[i]] += a[i]
      }
    default:
      for i in 0..<rows where !x.isNull(i) { counts[g[i]] += 1 }
    }
  }

  /// sum: money stays money; null where a group had no values.
  package func sum(type: DataType, of argument: DataType, span: Span) throws -> Column {
    let any = counts.map { $0 > 0 }
    switch argument {
    case .int: return Column(.int(exact), valid: any)
    case .money: return Column(.money(exact), valid: any)
    case .number:
      for total in sums { _ = try finite(total, in: "sum", span: span) }
      return Column(.number(sums), valid: any)
    default: return Column.repeating(.null, type: type, count: groups)
    }
  }

  /// avg: of money, money rounded to the penny; of whole numbers, exact
  /// sums divided unless one went past Int64.
  package func mean(type: DataType, of argument: DataType, span: Span) throws -> Column {
    let valid = counts.map { $0 > 0 }
    if type == .money {
      let r = try (0..<groups).map { k -> Int64 in
        guard counts[k] > 0 else { return 0 }
        guard !overflow, let p = Money.divide(exact[k], by: Double(counts[k])) else {
          throw Diagnostic("money overflow in avg", at: span)
        }
        return p
      }
      return Column(.money(r), valid: valid)
    }
    let useExact = !overflow && argument == .int
    let means = try (0..<groups).map { k in
      counts[k] == 0
        ? 0 : try finite((useExact ? Double(exact[k]) : sums[k]) / Double(counts[k]), in: "avg", span: span)
    }
    return Column(.number(means), valid: valid)
  }
}
