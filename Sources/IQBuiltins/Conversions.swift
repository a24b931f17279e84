import Foundation
import IQCore

// number, money, text, date: from one type to another.

extension Builtin {
  static let number = Builtin(
    "number", usage: "number(x)",
    summary:
      "Converts to a number: money in pounds, and text written as exports write numbers (\"7,012\", \"(1,234.56)\", \"29.9%\" is 0.299).",
    example: "from bcf | select pounds = number(pooled), read = number(\"(1,234.56)\")",
    typing: { call in
      try call.arity(1...1, "number(x)")
      try call.argument(0, [.int, .number, .money, .text, .bool], "number(x)")
      return .number
    },
    kernel: { a, row in
      guard case .text(let s) = a[0] else { return try toNumber(a[0], row.span) }
      if let v = readNumber(s) { return v }
      if let x = Double(s.trimmingCharacters(in: .whitespaces)), x.isInfinite {
        throw Diagnostic("'\(s)' is too large for a number (the largest is about 1.8e308)", at: row.span)
      }
      throw unreadable(s, as: "a number", try: "try_number", at: row.span)
    },
    sql: .rule { a, types, _, d in
      switch types[0] {
      case .int, .number: return d.double(a[0])
      case .money: return "(\(d.double(a[0])) / 100)"
      default: throw SQLRefusal("number() of \(article(types[0]))")
      }
    })

  static let try_number = Builtin(
    "try_number", usage: "try_number(x)",
    summary: "number(x), but null where the text can't be read as a number (counted in a warning).",
    example: "from areas | select area, n = try_number(right(area, 6)), m = try_number(area) | take 2",
    perDistinctValue: false,
    typing: { call in
      try call.arity(1...1, "try_number(x)")
      try call.argument(0, [.int, .number, .money, .text, .bool], "try_number(x)")
      return .number
    },
    kernel: { a, row in
      guard case .text(let s) = a[0] else { return try toNumber(a[0], row.span) }
      if let v = readNumber(s) { return v }
      row.couldNotRead(s)
      return .null
    },
    sql: .none("try_number() (SQL has no way to tell a value it can't read)"))

  static func toNumber(_ v: Value, _ span: Span) throws -> Value {
    switch v {
    case .bool(let b): return .number(b ? 1 : 0)
    default: return .number(v.asDouble)
    }
  }

  /// Text as number() reads it: every way an export writes a number; a
  /// missing-value marker (`n/a`, `#N/A`, `[c]` …) is null.
  static func readNumber(_ s: String) -> Value? {
    if CellText.isNull(s) { return .null }
    guard let n = CellText.number(s), n.value.isFinite else { return nil }
    return .number(n.value)
  }

  /// "can't read 'n/k' as a number", with the try_ function that gives null.
  static func unreadable(_ s: String, as what: String, try name: String, at span: Span) -> Diagnostic {
    let plain = name.dropFirst(4)
    return Diagnostic(
      "can't read \(Value.text(s).literalText) as \(what)", at: span,
      help: "\(name)(x) gives null where a value can't be read, and counts them in a warning",
      fix: Diagnostic.Fix(Span(span.start, span.start + plain.utf8.count), name))
  }

  static let money = Builtin(
    "money", usage: "money(x)",
    summary: "Converts a number of pounds, or text such as \"£1,611.40\", \"(£500.00)\" or \"1,611.40\", to money.",
    example: "from bcf | select per_plan = pooled / plans, floor = money(30000000), read = money(\"(£500.00)\")",
    typing: { call in
      try call.arity(1...1, "money(x)")
      try call.argument(0, [.int, .number, .money, .text], "money(x)")
      return .money
    },
    kernel: { a, row in
      guard case .text(let s) = a[0] else { return try toMoney(a[0], row.span) }
      if let v = readMoney(s) { return v }
      throw unreadable(s, as: "money", try: "try_money", at: row.span)
    },
    sql: .rule { a, types, _, d in
      switch types[0] {
      case .int: return "(\(a[0]) * 100)"
      case .number: return d.roundedToWhole("\(a[0]) * 100")
      case .money: return a[0]
      default: throw SQLRefusal("money() of text")
      }
    })

  static let try_money = Builtin(
    "try_money", usage: "try_money(x)",
    summary: "money(x), but null where the text can't be read as money (counted in a warning).",
    example: "from bcf | select pooled, m = try_money(\"£1,611.40\"), n = try_money(\"n/k\")", perDistinctValue: false,
    typing: { call in
      try call.arity(1...1, "try_money(x)")
      try call.argument(0, [.int, .number, .money, .text], "try_money(x)")
      return .money
    },
    kernel: { a, row in
      guard case .text(let s) = a[0] else { return try toMoney(a[0], row.span) }
      if let v = readMoney(s) { return v }
      row.couldNotRead(s)
      return .null
    },
    sql: .none("try_money() (SQL has no way to tell a value it can't read)"))

  static func toMoney(_ v: Value, _ span: Span) throws -> Value {
    switch v {
    case .int(let x):
      guard let p = x.multipliedReportingOverflow(by: 100).overflow ? nil : x * 100 else {
        throw Diagnostic("£\(x) is too large for money", at: span)
      }
      return .money(p)
    case .number(let x):
      guard let p = Money.multiply(100, by: x) else { throw Diagnostic("\(x) is too large for money", at: span) }
      return .money(p)
    default: return v
    }
  }

  /// Text as money() reads it: an amount with at most two decimals, with
  /// or without `£`; a missing-value marker is null.
  static func readMoney(_ s: String) -> Value? {
    if CellText.isNull(s) { return .null }
    guard let n = CellText.number(s), !n.percent, let p = n.pence else { return nil }
    return .money(p)
  }

  static let text = Builtin(
    "text", usage: "text(x)", summary: "Converts any value to text.",
    example: "from england | select label = concat(\"FY \", text(fy)) | take 1",
    typing: { call in
      try call.arity(1...1, "text(x)")
      return .text
    },
    kernel: { a, _ in .text(a[0].asText) },
    sql: .rule { a, types, _, d in try asText(a[0], types[0], d, in: "text") })

  /// A value as text, written as iq writes it, for the types every
  /// dialect writes the same way (a number's or money's digits differ).
  static func asText(_ x: String, _ type: DataType, _ d: SQLDialect, in name: String) throws -> String {
    switch type {
    case .text: return x
    case .null: return "CAST(NULL AS \(d.storage(.text)))"
    case .int: return "CAST(\(x) AS \(d == .tsql ? "NVARCHAR(20)" : d.storage(.text)))"
    case .date:
      if d == .sqlite { return x }
      return d == .tsql ? "CONVERT(NVARCHAR(10), \(x), 23)" : "CAST(\(x) AS \(d.storage(.text)))"
    case .bool:
      return d == .tsql || d == .sqlite
        ? "CASE \(x) WHEN 1 THEN 'true' WHEN 0 THEN 'false' END"
        : "CASE WHEN \(x) THEN 'true' WHEN NOT \(x) THEN 'false' END"
    default: throw SQLRefusal("\(name)() of \(article(type)) (iq writes its digits its own way)")
    }
  }

  static let date = Builtin(
    "date", usage: "date(text[, format])",
    summary:
      "Reads a date: ISO 2015-04-01, UK 01/04/2015, 1 Apr 2015, a month (Apr-15, 2015-04) as its first day; or in an Excel format, date(x, \"dd/mm/yyyy\").",
    example:
      "from bcf | select start = date(\"2015-04\"), uk = date(\"01/04/2015\"), coded = date(\"2015.04.01\", \"yyyy.mm.dd\")",
    typing: { call in try dateTyping(&call, "date(text[, format])") },
    kernel: { a, row in
      if let d = try readDate(a) { return d }
      guard case .text(let s) = a[0] else { return .null }
      throw unreadable(s, as: "a date" + (a.count > 1 ? " written \(a[1].asText)" : ""), try: "try_date", at: row.span)
    },
    sql: .rule { a, types, _, d in
      guard types[0] == .date, a.count == 1 else { throw SQLRefusal("date() of text") }
      return a[0]
    })

  static let try_date = Builtin(
    "try_date", usage: "try_date(text[, format])",
    summary: "date(x), but null where the text can't be read as a date (counted in a warning).",
    example: "from areas | select name, d = try_date(name) | take 2", perDistinctValue: false,
    typing: { call in try dateTyping(&call, "try_date(text[, format])") },
    kernel: { a, row in
      if let d = try readDate(a) { return d }
      if case .text(let s) = a[0] { row.couldNotRead(s) }
      return .null
    },
    sql: .none("try_date() (SQL has no way to tell a value it can't read)"))

  static func dateTyping(_ call: inout Call, _ usage: String) throws -> DataType {
    try call.arity(1...2, usage)
    try call.argument(0, [.text, .date], usage)
    if call.count == 2 { try call.argument(1, [.text], usage) }
    return .date
  }

  /// A date as date() reads it; nil when the text can't be read.
  static func readDate(_ a: [Value]) throws -> Value? {
    guard case .text(let s) = a[0] else { return a[0] }
    if CellText.isNull(s) { return .null }
    if a.count > 1, case .text(let code) = a[1] {
      return ExcelFormat.parseDate(s, code).map(Value.date)
    }
    let t = s.trimmingCharacters(in: .whitespaces)
    return (CellText.date(t) ?? Date.parseISO(t, allowMonth: true)).map(Value.date)
  }

  static let format = Builtin(
    "format", usage: "format(x, code)",
    summary:
      "A number, money or date as text, in an Excel format code: \"£#,##0.00\", \"0.0%\", \"#,##0;(#,##0)\", \"dd/mm/yyyy\", \"mmm-yy\".",
    example:
      "from bcf | select pooled = format(pooled, \"£#,##0\"), share = format(0.2991, \"0.0%\"), month = format(@2015-04-01, \"mmm-yy\")",
    typing: { call in
      try call.arity(2...2, "format(x, code)")
      try call.argument(0, [.int, .number, .money, .date], "format(x, code)")
      try call.argument(1, [.text], "format(x, code)")
      return .text
    },
    kernel: { a, row in
      guard case .text(let code) = a[1] else { return .null }
      if case .date(let d) = a[0] {
        guard let text = ExcelFormat.format(date: d, code) else {
          throw Diagnostic(
            "\(Value.text(code).literalText) is not a date format", at: row.span,
            help: "date codes: d dd ddd dddd, m mm mmm mmmm, yy yyyy, as in \"dd/mm/yyyy\" or \"mmm-yy\"")
        }
        return .text(text)
      }
      guard let text = ExcelFormat.format(number: a[0].asDouble, code) else {
        throw Diagnostic(
          "\(Value.text(code).literalText) is not a number format", at: row.span,
          help: "number codes use 0 and # for digits: \"#,##0\", \"£#,##0.00\", \"0.0%\"")
      }
      return .text(text)
    },
    sql: .none("format() (SQL has no Excel format codes)"))
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
