import CIQSystem
import Foundation
import IQCore
import IQPlan

/// The scalar functions, row by row.
enum Functions {
  static func call(_ f: Function, _ args: [Column], rows: Int, type: DataType, span: Span, frame: Frame) throws
    -> Column
  {
    let n = args.allSatisfy { $0.count == 1 } ? 1 : rows
    if let r = try byDistinctValue(f, args, rows: n, type: type, span: span, frame: frame) { return r }
    var b = ColumnBuilder(type: type, capacity: n)
    var zeros = 0
    for i in 0..<n {
      let vs = args.map { $0[$0.count == 1 ? 0 : i] }
      b.append(try scalar(f, vs, span: span, divisionByZero: &zeros))
    }
    frame.warnings.divisionByZero(at: span, rows: zeros * (n == 1 ? rows : 1))
    return b.finish()
  }

  /// A function of one column whose values repeat (coded text, dates), the
  /// other arguments constants: worked out once for each different value in
  /// the rows, then spread to the rows. `year(admitted)` over ten million
  /// rows is a thousand calls. Functions that look at nulls, or count rows
  /// for a warning, go row by row.
  static func byDistinctValue(_ f: Function, _ args: [Column], rows: Int, type: DataType, span: Span, frame: Frame)
    throws -> Column?
  {
    guard rows > 64, ![.coalesce, .if, .is_null, .concat, .mod, .pct_change].contains(f),
      let k = args.firstIndex(where: { $0.count > 1 }),
      args.indices.allSatisfy({ $0 == k || args[$0].count == 1 })
    else { return nil }
    let c = args[k]
    // For each row, its value's number among those present; -1 for null.
    var index = [Int](repeating: -1, count: rows)
    var present: [Int] = []
    func number(_ keys: Int, _ key: (Int) -> Int) -> [Int] {
      var slot = [Int](repeating: -1, count: keys)
      for i in 0..<rows where c.valid?[i] ?? true {
        let v = key(i)
        if slot[v] < 0 {
          slot[v] = present.count
          present.append(v)
        }
        index[i] = slot[v]
      }
      return present
    }
    let distinct: Column
    switch c.data {
    case .coded(let codes, let dictionary) where dictionary.count <= rows / 4:
      distinct = Column(.text(number(dictionary.count) { Int(codes[$0]) }.map { dictionary[$0] }))
    case .date(let days):
      var lo = Int32.max, hi = Int32.min
      for i in 0..<rows where c.valid?[i] ?? true {
        lo = min(lo, days[i])
        hi = max(hi, days[i])
      }
      guard lo <= hi, Int(hi) - Int(lo) < rows / 4 else { return nil }
      distinct = Column(.date(number(Int(hi - lo) + 1) { Int(days[$0] - lo) }.map { Int32($0) + lo }))
    default:
      return nil
    }
    var once = args
    once[k] = distinct
    return try call(f, once, rows: distinct.count, type: type, span: span, frame: frame).gather(index)
  }

  static func scalar(_ f: Function, _ a: [Value], span: Span, divisionByZero: inout Int) throws -> Value {
    switch f {
    case .coalesce: return a.first { !$0.isNull } ?? .null
    case .if:
      if case .bool(true) = a[0] { return a[1] }
      return a[2]
    case .is_null: return .bool(a[0].isNull)
    case .concat: return .text(a.filter { !$0.isNull }.map(text).joined())
    default: break
    }
    if a.contains(where: \.isNull) { return .null }
    switch (f, a[0]) {
    case (.abs, .int(let x)):
      guard x != .min else { throw Diagnostic("integer overflow in abs", at: span) }
      return .int(Swift.abs(x))
    case (.abs, .money(let x)):
      guard x != .min else { throw Diagnostic("money overflow in abs", at: span) }
      return .money(Swift.abs(x))
    case (.abs, .number(let x)): return .number(Swift.abs(x))

    case (.round, _):
      let digits = a.count > 1 ? a[1] : .int(0)
      guard case .int(let d) = digits, Swift.abs(d) <= 18 else {
        throw Diagnostic("round takes from -18 to 18 digits", at: span)
      }
      return try round(a[0], digits: Int(d), span: span)

    case (.floor, .number(let x)), (.ceil, .number(let x)):
      let r = f == .floor ? x.rounded(.down) : x.rounded(.up)
      guard let i = Int64(exactly: r) else {
        throw Diagnostic("\(f.rawValue) of \(x) does not fit in an int", at: span)
      }
      return .int(i)
    case (.floor, .int), (.ceil, .int): return a[0]
    case (.floor, .money(let p)), (.ceil, .money(let p)):
      let pounds = Double(p) / 100
      return .money(Int64((f == .floor ? pounds.rounded(.down) : pounds.rounded(.up)) * 100))

    case (.sqrt, .number(let x)): return x < 0 ? .null : .number(x.squareRoot())

    case (.mod, .int(let x)):
      guard case .int(let y) = a[1] else { return .null }
      if y == 0 {
        divisionByZero += 1
        return .null
      }
      return .int(y == -1 ? 0 : x % y)
    case (.mod, .number(let x)):
      guard case .number(let y) = a[1] else { return .null }
      if y == 0 {
        divisionByZero += 1
        return .null
      }
      return .number(x.truncatingRemainder(dividingBy: y))

    case (.lower, .text(let s)): return .text(s.lowercased())
    case (.upper, .text(let s)): return .text(s.uppercased())
    case (.length, .text(let s)): return .int(Int64(s.count))
    case (.contains, .text(let s)):
      guard case .text(let t) = a[1] else { return .null }
      return .bool(containsBytes(s, t))
    case (.starts_with, .text(let s)):
      guard case .text(let t) = a[1] else { return .null }
      return .bool(s.utf8.starts(with: t.utf8))
    case (.ends_with, .text(let s)):
      guard case .text(let t) = a[1] else { return .null }
      return .bool(s.utf8.reversed().starts(with: t.utf8.reversed()))

    case (.year, .date(let d)): return .int(Int64(Date.civil(d).year))
    case (.month, .date(let d)): return .int(Int64(Date.civil(d).month))
    case (.fy, .date(let d)): return .text(Date.financialYear(d))

    case (.pct_change, _):
      let (new, old) = (number(a[0]), number(a[1]))
      if old == 0 {
        divisionByZero += 1
        return .null
      }
      return .number(try Kernels.finite((new - old) / old, in: "pct_change", span: span))

    case (.number, .text(let s)):
      // Decimal only, as a CSV field is read: no `inf`, `nan` or hex.
      let t = s.trimmingCharacters(in: .whitespaces)
      guard t.allSatisfy({ "0123456789.+-eE".contains($0) }), let x = Double(t) else {
        throw Diagnostic("can't convert '\(s)' to a number", at: span)
      }
      guard x.isFinite else {
        throw Diagnostic("'\(s)' is too large for a number (the largest is about 1.8e308)", at: span)
      }
      return .number(x)
    case (.number, .bool(let b)): return .number(b ? 1 : 0)
    case (.number, let v): return .number(number(v))

    case (.money, .int(let x)):
      guard let p = x.multipliedReportingOverflow(by: 100).overflow ? nil : x * 100 else {
        throw Diagnostic("£\(x) is too large for money", at: span)
      }
      return .money(p)
    case (.money, .number(let x)):
      guard let p = Money.multiply(100, by: x) else { throw Diagnostic("\(x) is too large for money", at: span) }
      return .money(p)
    case (.money, .money): return a[0]
    case (.money, .text(let s)):
      let t = s.trimmingCharacters(in: .whitespaces)
      if let p = CSVReader.parseMoney(t.hasPrefix("£") || t.hasPrefix("-£") ? t : "£" + t) { return .money(p) }
      throw Diagnostic("can't convert '\(s)' to money", at: span, help: "write amounts like £1,611.40 or 1611.40")

    case (.text, let v): return .text(text(v))

    case (.date, .date): return a[0]
    case (.date, .text(let s)):
      guard let d = Date.parseISO(s.trimmingCharacters(in: .whitespaces), allowMonth: true) else {
        throw Diagnostic("can't convert '\(s)' to a date", at: span, help: "dates are written 2015-04-01")
      }
      return .date(d)

    default:
      preconditionFailure("no implementation of \(f.rawValue) for \(a[0].type)")
    }
  }

  static func number(_ v: Value) -> Double {
    switch v {
    case .int(let x): return Double(x)
    case .number(let x): return x
    case .money(let p): return Double(p) / 100
    default: return .nan
    }
  }

  /// text(x): ISO dates, plain numbers, money as `£1611.40`.
  static func text(_ v: Value) -> String {
    switch v {
    case .money(let p): return (p < 0 ? "-£" : "£") + Money.plain(p).trimmingCharacters(in: ["-"])
    case .null: return ""
    default: return v.plainText
    }
  }

  /// Rounds half away from zero to `digits` places (negative: tens, hundreds).
  static func round(_ v: Value, digits: Int, span: Span) throws -> Value {
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

  /// `contains`: byte for byte, as `starts_with` and `ends_with` compare
  /// and SQLite's `instr` does. (Foundation's `range(of:)` compared by
  /// UTF-16 and trapped on some texts holding U+FFFD and NUL.)
  static func containsBytes(_ text: String, _ part: String) -> Bool {
    var text = text, part = part
    return text.withUTF8 { t in
      part.withUTF8 { p in iq_contains_bytes(t.baseAddress, t.count, p.baseAddress, p.count) != 0 }
    }
  }
}
