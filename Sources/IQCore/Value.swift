import Foundation

/// The types of the language; `null` is the type of a bare `null` literal.
public enum DataType: String, Sendable, CaseIterable {
  case bool, int, number, money, text, date, null

  package var isNumeric: Bool { self == .int || self == .number }

  /// The function that converts a value to this type, where there is one:
  /// ints are matched as numbers, so `number` serves for both.
  package var conversion: String? {
    switch self {
    case .int, .number: return "number"
    case .money: return "money"
    case .text: return "text"
    case .date: return "date"
    case .bool, .null: return nil
    }
  }
}

/// One scalar value: constants, `let` values, cells read back for display.
public enum Value: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int64)
  case number(Double)
  /// Exact pence.
  case money(Int64)
  case text(String)
  /// Days since 1970-01-01.
  case date(Int32)

  public var type: DataType {
    switch self {
    case .null: return .null
    case .bool: return .bool
    case .int: return .int
    case .number: return .number
    case .money: return .money
    case .text: return .text
    case .date: return .date
    }
  }

  public var isNull: Bool { if case .null = self { return true } else { return false } }
}

/// Calendar arithmetic on day numbers (proleptic Gregorian; Howard Hinnant's algorithms).
public enum Date {
  public static func days(year: Int, month: Int, day: Int) -> Int32 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return Int32(era * 146097 + doe - 719468)
  }

  public static func civil(_ days: Int32) -> (year: Int, month: Int, day: Int) {
    let z = Int(days) + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  package static func daysInMonth(_ year: Int, _ month: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// `2015-04-01`; with `allowMonth`, `2015-04` too.
  public static func parseISO<S: StringProtocol>(_ s: S, allowMonth: Bool = false) -> Int32? {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3 || (allowMonth && parts.count == 2),
      parts[0].count == 4, parts[1].count == 2, parts.count == 2 || parts[2].count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m)
    else { return nil }
    let d = parts.count == 3 ? Int(parts[2]) ?? 0 : 1
    guard d >= 1 && d <= daysInMonth(y, m) else { return nil }
    return days(year: y, month: m, day: d)
  }

  public static func iso(_ days: Int32) -> String {
    let (y, m, d) = civil(days)
    return String(format: "%04d-%02d-%02d", y, m, d)
  }

  /// UK financial year, from 1 April: 2015-07-01 is "2015-16".
  public static func financialYear(_ days: Int32) -> String {
    let (y, m, _) = civil(days)
    let start = m >= 4 ? y : y - 1
    return String(format: "%04d-%02d", start, (start + 1) % 100)
  }
}

/// Money is exact pence in an Int64.
public enum Money {
  /// pence × factor, rounded to the penny, halves away from zero, as a
  /// spreadsheet does. The double product can sit a hair off a half
  /// (£0.145 is 14.4999… pence); there the exact decimal product decides,
  /// with the factor taken at its shortest spelling.
  package static func multiply(_ pence: Int64, by factor: Double) -> Int64? {
    round(Double(pence) * factor) {
      NSDecimalNumber(value: pence).multiplying(by: NSDecimalNumber(string: "\(factor)"))
    }
  }

  /// pence ÷ divisor, rounded the same way.
  package static func divide(_ pence: Int64, by divisor: Double) -> Int64? {
    round(Double(pence) / divisor) {
      NSDecimalNumber(value: pence).dividing(by: NSDecimalNumber(string: "\(divisor)"))
    }
  }

  private static let halfAwayFromZero = NSDecimalNumberHandler(
    roundingMode: .plain, scale: 0, raiseOnExactness: false, raiseOnOverflow: false,
    raiseOnUnderflow: false, raiseOnDivideByZero: false)

  /// nil when the result does not fit in Int64 pence.
  private static func round(_ approx: Double, exact: () -> NSDecimalNumber) -> Int64? {
    guard approx.isFinite, abs(approx) < 9.2e18 else { return nil }
    let frac = abs(approx - approx.rounded(.towardZero))
    if abs(frac - 0.5) < 1e-6 {
      return Int64(exactly: exact().rounding(accordingToBehavior: halfAwayFromZero).doubleValue)
    }
    return Int64(exactly: approx.rounded(.toNearestOrAwayFromZero))
  }

  /// `311000000.00`: plain decimal with two places (csv, json).
  package static func plain(_ pence: Int64) -> String {
    let sign = pence < 0 ? "-" : ""
    let m = pence.magnitude
    let p = m % 100
    return "\(sign)\(m / 100).\(p < 10 ? "0" : "")\(p)"
  }

  /// `£311,000,000` or `£1,611.40` (table mode).
  package static func display(_ pence: Int64, withPence: Bool) -> String {
    let sign = pence < 0 ? "-" : ""
    let m = pence.magnitude
    let p = m % 100
    let pounds = groupThousands(String(m / 100))
    return withPence ? "\(sign)£\(pounds).\(p < 10 ? "0" : "")\(p)" : "\(sign)£\(pounds)"
  }

  /// `£1,200.50`, `£300`, `-£5`, `£-5`.
  package static func parse(_ s: String) -> Int64? {
    var t = Substring(s)
    var negative = false
    if t.hasPrefix("-") {
      negative = true
      t = t.dropFirst()
    }
    guard t.hasPrefix("£") else { return nil }
    t = t.dropFirst()
    if t.hasPrefix("-") && !negative {
      negative = true
      t = t.dropFirst()
    }
    let parts = t.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, let whole = parts.first, !whole.isEmpty else { return nil }
    let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
    if groups.count > 1 {
      guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
    }
    let digits = groups.joined()
    guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
    var pence = "00"
    if parts.count == 2 {
      guard (1...2).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
      pence = parts[1].count == 1 ? parts[1] + "0" : String(parts[1])
    }
    guard let p = Int64(digits + pence) else { return nil }
    return negative ? -p : p
  }
}

/// `1809587` → `1,809,587`.
package func groupThousands(_ digits: String) -> String {
  var s = Substring(digits)
  var sign = ""
  if s.hasPrefix("-") {
    sign = "-"
    s = s.dropFirst()
  }
  guard s.count > 3 else { return sign + s }
  var out = ""
  for (n, c) in s.enumerated() {
    if n > 0 && (s.count - n) % 3 == 0 { out.append(",") }
    out.append(c)
  }
  return sign + out
}

/// The shortest text that reads back as the same double (`0.3122`, `1e+20`).
package func shortestText(_ x: Double) -> String {
  if x.isNaN { return "NaN" }
  if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
  if x == x.rounded() && abs(x) < 1e15 {
    return String(Int64(x))  // `3` rather than `3.0`
  }
  return "\(x)"
}

extension Value {
  /// The value as an iq literal, as a user would write it: `"2016-17"`,
  /// `£311.00`, `@2015-04-01`.
  public var literalText: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let x): return String(x)
    case .number(let x): return shortestText(x)
    case .money(let p): return "£" + Money.plain(p)
    case .text(let s):
      return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    case .date(let d): return "@" + Date.iso(d)
    }
  }

  /// The value as csv, tsv and json write it: `311.00`, `2015-04-01`, empty for null.
  public var plainText: String {
    switch self {
    case .null: return ""
    case .bool(let b): return b ? "true" : "false"
    case .int(let x): return String(x)
    case .number(let x): return shortestText(x)
    case .money(let p): return Money.plain(p)
    case .text(let s): return s
    case .date(let d): return Date.iso(d)
    }
  }
}

/// A type as a phrase: "an int", "money", "text".
package func article(_ t: DataType) -> String {
  switch t {
  case .int: return "an int"
  case .null: return "null"
  case .money, .text: return t.rawValue
  case .bool: return "true/false"
  default: return "a \(t.rawValue)"
  }
}

/// The type two values share: equal types, int with number, or anything with null.
package func commonType(_ a: DataType, _ b: DataType) -> DataType? {
  if a == b { return a }
  if a == .null { return b }
  if b == .null { return a }
  if a.isNumeric && b.isNumeric { return .number }
  return nil
}
