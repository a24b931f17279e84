import Foundation
import IQCore

// number, money, text, date: from one type to another.

extension Builtin {
  static let number = Builtin(
    "number", usage: "number(x)", summary: "Converts to a number (money in pounds, text that reads as a number).",
    example: "from bcf | select pounds = number(pooled)",
    typing: { call in
      try call.arity(1...1, "number(x)")
      try call.argument(0, [.int, .number, .money, .text, .bool], "number(x)")
      return .number
    },
    kernel: { a, row in
      switch a[0] {
      case .text(let s):
        // Decimal only, as a CSV field is read: no `inf`, `nan` or hex.
        let t = s.trimmingCharacters(in: .whitespaces)
        guard t.allSatisfy({ "0123456789.+-eE".contains($0) }), let x = Double(t) else {
          throw Diagnostic("can't convert '\(s)' to a number", at: row.span)
        }
        guard x.isFinite else {
          throw Diagnostic("'\(s)' is too large for a number (the largest is about 1.8e308)", at: row.span)
        }
        return .number(x)
      case .bool(let b): return .number(b ? 1 : 0)
      case let v: return .number(v.asDouble)
      }
    },
    sql: .rule { a, types, _ in
      switch types[0] {
      case .int, .number: return "CAST(\(a[0]) AS REAL)"
      case .money: return "(\(a[0]) / 100.0)"
      default: throw SQLRefusal("number() of \(article(types[0]))")
      }
    })

  static let money = Builtin(
    "money", usage: "money(x)", summary: "Converts a number of pounds, or text such as \"£1,611.40\", to money.",
    example: "from bcf | select per_plan = pooled / plans, floor = money(30000000)",
    typing: { call in
      try call.arity(1...1, "money(x)")
      try call.argument(0, [.int, .number, .money, .text], "money(x)")
      return .money
    },
    kernel: { a, row in
      switch a[0] {
      case .int(let x):
        guard let p = x.multipliedReportingOverflow(by: 100).overflow ? nil : x * 100 else {
          throw Diagnostic("£\(x) is too large for money", at: row.span)
        }
        return .money(p)
      case .number(let x):
        guard let p = Money.multiply(100, by: x) else {
          throw Diagnostic("\(x) is too large for money", at: row.span)
        }
        return .money(p)
      case .text(let s):
        let t = s.trimmingCharacters(in: .whitespaces)
        if let p = Money.parse(t.hasPrefix("£") || t.hasPrefix("-£") ? t : "£" + t) { return .money(p) }
        throw Diagnostic(
          "can't convert '\(s)' to money", at: row.span, help: "write amounts like £1,611.40 or 1611.40")
      default: return a[0]
      }
    },
    sql: .rule { a, types, _ in
      switch types[0] {
      case .int: return "(\(a[0]) * 100)"
      case .number: return "CAST(ROUND(\(a[0]) * 100) AS INTEGER)"
      case .money: return a[0]
      default: throw SQLRefusal("money() of text")
      }
    })

  static let text = Builtin(
    "text", usage: "text(x)", summary: "Converts any value to text.",
    example: "from england | select label = concat(\"FY \", text(fy)) | take 1",
    typing: { call in
      try call.arity(1...1, "text(x)")
      return .text
    },
    kernel: { a, _ in .text(a[0].asText) },
    sql: .none("text() (SQLite's differs from iq's)"))

  static let date = Builtin(
    "date", usage: "date(text)", summary: "Reads an ISO date, 2015-04-01 (or 2015-04).",
    example: "from bcf | select start = date(\"2015-04\")",
    typing: { call in
      try call.arity(1...1, "date(text)")
      try call.argument(0, [.text, .date], "date(text)")
      return .date
    },
    kernel: { a, row in
      guard case .text(let s) = a[0] else { return a[0] }
      guard let d = Date.parseISO(s.trimmingCharacters(in: .whitespaces), allowMonth: true) else {
        throw Diagnostic("can't convert '\(s)' to a date", at: row.span, help: "dates are written 2015-04-01")
      }
      return .date(d)
    },
    sql: .rule { a, types, _ in
      guard types[0] == .date else { throw SQLRefusal("date() of text") }
      return a[0]
    })
}

extension Value {
  /// The value as `text(x)` gives it: ISO dates, plain numbers, money as `£1611.40`.
  public var asText: String {
    switch self {
    case .money(let p): return (p < 0 ? "-£" : "£") + Money.plain(p).trimmingCharacters(in: ["-"])
    case .null: return ""
    default: return plainText
    }
  }
}
