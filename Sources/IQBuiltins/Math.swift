import Foundation
import IQCore

// abs, round, floor, ceil, sqrt, mod, pct_change: arithmetic on numbers and money.

private let numeric: [DataType] = [.int, .number, .money]

extension Builtin {
  static let abs = Builtin(
    "abs", usage: "abs(x)", summary: "The value without its sign.",
    example: "from bcf | select change = abs(dtoc_planned_change)",
    typing: { call in
      try call.arity(1...1, "abs(x)")
      try call.argument(0, numeric, "abs(x)")
      return call.types[0]
    },
    kernel: { a, row in
      switch a[0] {
      case .int(let x):
        guard x != .min else { throw Diagnostic("integer overflow in abs", at: row.span) }
        return .int(Swift.abs(x))
      case .money(let x):
        guard x != .min else { throw Diagnostic("money overflow in abs", at: row.span) }
        return .money(Swift.abs(x))
      case .number(let x): return .number(Swift.abs(x))
      default: return .null
      }
    },
    sql: .rule { a, _, _, d in "abs(\(a[0]))" })

  static let round = Builtin(
    "round", usage: "round(x[, digits])",
    summary: "Rounds halves away from zero, as a spreadsheet does; digits may be negative (tens, hundreds).",
    example:
      "from bcf | select cost_per_day = round(dtoc_cost_vs_plan / (dtoc_actual_change - dtoc_planned_change), 2)",
    typing: { call in
      try call.arity(1...2, "round(x) or round(x, digits)")
      try call.argument(0, numeric, "round(x, digits)")
      if call.count == 2 { try call.argument(1, [.int], "round(x, digits)") }
      return call.types[0]
    },
    kernel: { a, row in
      let digits = a.count > 1 ? a[1] : .int(0)
      guard case .int(let d) = digits, Swift.abs(d) <= 18 else {
        throw Diagnostic("round takes from -18 to 18 digits", at: row.span)
      }
      return try rounded(a[0], digits: Int(d), span: row.span)
    },
    sql: .rule { a, types, _, d in
      let digits = a.count > 1 ? a[1] : "0"
      switch types[0] {
      case .number where d == .postgres:
        // PostgreSQL rounds a double's ties to even; a numeric's away from zero.
        return d.double("round(CAST(\(a[0]) AS NUMERIC), CAST(\(digits) AS INT))")
      case .number where d == .sqlite:
        // SQLite's round takes negative digits as none: tens and hundreds by hand.
        guard let n = Int(digits) else { throw SQLRefusal("round with digits SQLite can't see in the query") }
        if n >= 0 { return "round(\(a[0]), \(n))" }
        let scale = "1" + String(repeating: "0", count: -n) + ".0"
        return "(round(\(a[0]) / \(scale)) * \(scale))"
      case .number: return "round(\(a[0]), \(digits))"
      case .int where a.count == 1: return a[0]
      default: throw SQLRefusal("round of \(article(types[0])) with digits")
      }
    })

  static let floor = wholeNumber(
    "floor", summary: "Rounds down to a whole number.",
    example: "from care_home_admissions | select fy, rate, whole = floor(rate) | take 2", rule: .down)

  static let ceil = wholeNumber(
    "ceil", summary: "Rounds up to a whole number.",
    example: "from care_home_admissions | select fy, rate, up = ceil(rate) | take 2", rule: .up)

  /// floor and ceil: a number becomes an int; money stays money, in whole pounds.
  private static func wholeNumber(
    _ name: String, summary: String, example: String, rule: FloatingPointRoundingRule
  ) -> Builtin {
    Builtin(
      name, usage: "\(name)(x)", summary: summary, example: example,
      typing: { call in
        try call.arity(1...1, "\(name)(x)")
        try call.argument(0, numeric, "\(name)(x)")
        return call.types[0] == .number ? .int : call.types[0]
      },
      kernel: { a, row in
        switch a[0] {
        case .number(let x):
          guard let i = Int64(exactly: x.rounded(rule)) else {
            throw Diagnostic("\(name) of \(x) does not fit in an int", at: row.span)
          }
          return .int(i)
        case .money(let p): return .money(Int64((Double(p) / 100).rounded(rule) * 100))
        default: return a[0]
        }
      },
      sql: .rule { a, types, _, d in
        switch types[0] {
        case .number: return d.bigint("\(d == .tsql && name == "ceil" ? "CEILING" : name)(\(a[0]))")
        case .int: return a[0]
        default: throw SQLRefusal("\(name) of money")
        }
      })
  }

  static let sqrt = Builtin(
    "sqrt", usage: "sqrt(x)", summary: "Square root; null for a negative number.",
    example: "from bcf | select root = sqrt(plans)",
    typing: { call in
      try call.arity(1...1, "sqrt(x)")
      try call.argument(0, [.int, .number], "sqrt(x)")
      call.widen(0, to: .number)
      return .number
    },
    kernel: { a, _ in
      guard case .number(let x) = a[0] else { return .null }
      return x < 0 ? .null : .number(x.squareRoot())
    },
    sql: .rule { a, _, _, d in "CASE WHEN \(a[0]) >= 0 THEN sqrt(\(a[0])) END" })

  static let mod = Builtin(
    "mod", usage: "mod(a, b)", summary: "The remainder of a ÷ b (there is no % operator: % means percent).",
    example: "from areas | derive n = row_number() | where mod(n, 50) == 0 | select n, name",
    perDistinctValue: false,
    typing: { call in
      try call.arity(2...2, "mod(a, b)")
      try call.argument(0, [.int, .number], "mod(a, b)")
      try call.argument(1, [.int, .number], "mod(a, b)")
      if call.types[0] == .int && call.types[1] == .int { return .int }
      call.widen(0, to: .number)
      call.widen(1, to: .number)
      return .number
    },
    kernel: { a, row in
      switch (a[0], a[1]) {
      case (.int(let x), .int(let y)):
        if y == 0 {
          row.divisionsByZero += 1
          return .null
        }
        return .int(y == -1 ? 0 : x % y)
      case (.number(let x), .number(let y)):
        if y == 0 {
          row.divisionsByZero += 1
          return .null
        }
        return .number(x.truncatingRemainder(dividingBy: y))
      default: return .null
      }
    },
    sql: .rule { a, _, result, d in
      switch (result, d) {
      case (.int, _): return "(\(a[0]) % NULLIF(\(a[1]), 0))"
      case (_, .duckdb): return "fmod(\(a[0]), NULLIF(\(a[1]), 0))"
      case (_, .spark): return "(\(a[0]) % NULLIF(\(a[1]), 0))"
      default: throw SQLRefusal("mod of numbers (\(d.title)'s works on whole numbers)")
      }
    })

  static let pct_change = Builtin(
    "pct_change", usage: "pct_change(new, old)",
    summary: "(new − old) ÷ old: 0.11 means 11% more.",
    example: "from england | summarize days = sum(total) by fy | derive change = pct_change(days, lag(days)) | take 6",
    perDistinctValue: false,
    typing: { call in
      try call.arity(2...2, "pct_change(new, old)")
      try call.argument(0, numeric, "pct_change(new, old)")
      try call.argument(1, numeric, "pct_change(new, old)")
      guard let t = commonType(call.types[0], call.types[1]) else {
        throw Diagnostic(
          "pct_change needs both values of one type", at: call.span, help: "both money, or both numbers")
      }
      call.widen(0, to: t == .int ? .number : t)
      call.widen(1, to: t == .int ? .number : t)
      return .number
    },
    kernel: { a, row in
      let (new, old) = (a[0].asDouble, a[1].asDouble)
      if old == 0 {
        row.divisionsByZero += 1
        return .null
      }
      return .number(try finite((new - old) / old, in: "pct_change", span: row.span))
    },
    sql: .rule { a, _, _, d in "((\(d.double(a[0])) - \(a[1])) / NULLIF(\(a[1]), 0))" })

  /// Rounds half away from zero to `digits` places (negative: tens, hundreds).
  static func rounded(_ v: Value, digits: Int, span: Span) throws -> Value {
    switch v {
    case .number(let x):
      guard x.isFinite else { return v }
      let scaled = NSDecimalNumber(string: "\(x)")
      let handler = NSDecimalNumberHandler(
        roundingMode: .plain, scale: Int16(digits), raiseOnExactness: false, raiseOnOverflow: false,
        raiseOnUnderflow: false, raiseOnDivideByZero: false)
      return .number(Double(scaled.rounding(accordingToBehavior: handler).stringValue) ?? x)
    case .int(let x):
      guard digits < 0 else { return v }
      let p = Int64(pow(10, Double(-digits)))
      let r = (Double(x) / Double(p)).rounded(.toNearestOrAwayFromZero)
      guard let i = Int64(exactly: r * Double(p)) else { throw Diagnostic("integer overflow in round", at: span) }
      return .int(i)
    case .money(let pence):
      guard digits < 2 else { return v }
      guard digits > -17 else { return .money(0) }
      let unit = Int64(pow(10, Double(2 - digits)))
      var whole = pence / unit
      if Swift.abs(pence % unit) * 2 >= unit { whole += pence < 0 ? -1 : 1 }
      let (r, overflow) = whole.multipliedReportingOverflow(by: unit)
      guard !overflow else { throw Diagnostic("money overflow in round", at: span) }
      return .money(r)
    default:
      return v
    }
  }
}

extension Value {
  /// An int, number or money (in pounds) as a double; NaN for anything else.
  public var asDouble: Double {
    switch self {
    case .int(let x): return Double(x)
    case .number(let x): return x
    case .money(let p): return Double(p) / 100
    default: return .nan
    }
  }
}
