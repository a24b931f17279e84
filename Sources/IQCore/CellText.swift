/// Values as Excel and NHS systems export them, read from a cell's bytes:
/// `1,234.56`, `(1,234.56)`, `+5`, `£-5`, `29.9%`, `01/04/2015`, `Apr-15`,
/// `#N/A`, `[c]`. The CSV reader's type inference and the conversion
/// functions (`number`, `money`, `date`) read them with these same rules
/// (LANGUAGE.md §10), so a column iq reads as money is one `money(x)` reads.
public enum CellText {
  /// A cell that reads as a number: the value, and how it was written.
  public struct Number: Equatable, Sendable {
    /// Whole and written without a point or exponent (and not a percentage).
    public var int: Int64?
    /// The value; a percentage is already divided by 100.
    public var value: Double
    /// Exact pence, when written with at most two decimals (and not a percentage).
    public var pence: Int64?
    /// Written with `£`.
    public var pound = false
    /// Written with `%`.
    public var percent = false
    /// Its whole part starts with a zero and has more digits (`00123`): a code.
    public var leadingZero = false
  }

  static let space: UInt8 = 32, tab: UInt8 = 9

  /// `bytes` without spaces (and tabs) at either end.
  @inline(__always) package static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
    var i = 0, e = b.count
    while i < e && (b[i] == space || b[i] == tab) { i += 1 }
    while e > i && (b[e - 1] == space || b[e - 1] == tab) { e -= 1 }
    return i..<e
  }

  /// The words that mean a value is missing, as the spec lists them: `NA`
  /// `N/A` `n/a` `#N/A` `NULL` `null` `-` `..` `*` `:` and the GSS symbols.
  public static let nullMarkers = [
    "NA", "N/A", "n/a", "#N/A", "NULL", "null", "-", "..", "*", ":", "[c]", "[x]", "[z]", "[u]", "[w]", "[low]",
  ]

  /// Empty, or one of `nullMarkers`: checked by length and first byte, so a
  /// value that is none of them costs two comparisons.
  @inlinable public static func isNull(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
    let n = r.count
    if n == 0 { return true }
    if n > 5 { return false }
    let c = b[r.lowerBound]
    switch c {
    case 45, 42, 58: return n == 1  // - * :
    case 46: return n == 2 && b[r.lowerBound + 1] == 46  // ..
    case 78, 110, 35, 91: return slowIsNull(b, r)  // N n # [
    default: return false
    }
  }

  static let markerBytes = nullMarkers.map { Array($0.utf8) }

  @usableFromInline static func slowIsNull(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
    markerBytes.contains { m in m.count == r.count && m.indices.allSatisfy { m[$0] == b[r.lowerBound + $0] } }
  }

  /// Reads `1,234`, `1,234.56`, `(1,234.56)`, `+5`, ` 7 `, `1.5e3`, `£1,234.56`,
  /// `-£5`, `£-5`, `(£500.00)`, `12.5%`; nil for anything else. Thousands
  /// separators must fall every three digits; an exponent is read only in a
  /// plain number.
  public static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Number? {
    let r = trimmed(bytes)
    var i = r.lowerBound, e = r.upperBound
    guard i < e else { return nil }
    let b = bytes
    var negative = false
    if b[i] == 40 {  // (
      guard e - i >= 3, b[e - 1] == 41 else { return nil }
      negative = true
      i += 1
      e -= 1
    }
    var signed = false
    /// A `-` or `+`, once; false for `(-5)`, which is not how anyone writes a number.
    func sign() -> Bool {
      guard i < e, b[i] == 45 || b[i] == 43, !signed else { return true }
      if b[i] == 45 {
        if negative { return false }
        negative = true
      }
      signed = true
      i += 1
      return true
    }
    guard sign() else { return nil }
    var out = Number(value: 0)
    if i + 1 < e && b[i] == 0xC2 && b[i + 1] == 0xA3 {
      out.pound = true
      i += 2
      guard sign() else { return nil }
    }
    // The whole part, with separators every three digits if any.
    var mantissa: UInt64 = 0, digits = 0, exact = true
    var group = -1  // digits since the last separator; -1 before the first
    var firstGroup = 0
    let wholeStart = i
    while i < e {
      let c = b[i]
      if c >= 48 && c <= 57 {
        if digits == 1 && b[wholeStart] == 48 { out.leadingZero = true }
        accumulate(c, &mantissa, &exact)
        digits += 1
        if group >= 0 { group += 1 } else { firstGroup += 1 }
      } else if c == 44 {  // ,
        guard digits > 0, (group < 0 && firstGroup <= 3) || group == 3 else { return nil }
        group = 0
      } else {
        break
      }
      i += 1
    }
    guard group < 0 || group == 3 else { return nil }
    if group >= 0 && b[wholeStart] == 48 { return nil }  // `0,123`
    var scale = 0
    var point = false, exponent = 0, hasExponent = false
    if i < e && b[i] == 46 {  // .
      point = true
      i += 1
      while i < e && b[i] >= 48 && b[i] <= 57 {
        accumulate(b[i], &mantissa, &exact)
        scale += 1
        i += 1
      }
    }
    guard digits + scale > 0 else { return nil }
    if i < e && (b[i] == 101 || b[i] == 69) && group < 0 && !out.pound {  // e E
      i += 1
      var expNegative = false
      if i < e && (b[i] == 45 || b[i] == 43) {
        expNegative = b[i] == 45
        i += 1
      }
      let start = i
      while i < e && b[i] >= 48 && b[i] <= 57 {
        exponent = min(exponent * 10 + Int(b[i] - 48), 100_000)
        i += 1
      }
      guard i > start else { return nil }
      if expNegative { exponent = -exponent }
      hasExponent = true
    }
    if i < e && b[i] == 37 && !out.pound {  // %
      out.percent = true
      i += 1
    }
    guard i == e else { return nil }
    let power = exponent - scale - (out.percent ? 2 : 0)
    if !point && !hasExponent && !out.percent && exact && mantissa <= UInt64(Int64.max) {
      out.int = negative ? -Int64(mantissa) : Int64(mantissa)
    }
    if exact && !hasExponent && mantissa < 1 << 53 && power <= 0 && power >= -22 {
      out.value = Double(mantissa) / powers[-power]
    } else {
      // Long or with an exponent: the standard library rounds it correctly.
      var text = ""
      for k in wholeStart..<e where b[k] != 44 && b[k] != 37 { text.unicodeScalars.append(Unicode.Scalar(b[k])) }
      guard var v = Double(text), v.isFinite else { return nil }
      if out.percent { v /= 100 }
      out.value = v
    }
    if negative { out.value = -out.value }
    if !out.percent && scale <= 2 && exact && !hasExponent {
      let (p, o) = Int64(clamping: mantissa).multipliedReportingOverflow(by: scale == 2 ? 1 : scale == 1 ? 10 : 100)
      if !o && mantissa <= UInt64(Int64.max) { out.pence = negative ? -p : p }
    }
    return out
  }

  /// One more digit on the mantissa; `exact` goes false when it no longer fits.
  @inline(__always) static func accumulate(_ c: UInt8, _ m: inout UInt64, _ exact: inout Bool) {
    let (a, o1) = m.multipliedReportingOverflow(by: 10)
    let (s, o2) = a.addingReportingOverflow(UInt64(c - 48))
    if o1 || o2 { exact = false } else { m = s }
  }

  /// 1, 10, … 1e22: each exact in a double.
  package static let powers: [Double] = (0...22).map { p in (0..<p).reduce(1.0) { r, _ in r * 10 } }

  /// Reads a date as people write them: ISO `2015-04-01`; UK day-first
  /// `01/04/2015`, `1/4/2015`, `01-04-2015`, `01.04.2015` (never
  /// month-first); `1 Apr 2015`, `01-Apr-2015`, `1 April 2015`, `01-Apr-15`;
  /// a month alone, `Apr-15`, `Apr 2015`, `April 2015`, as its first day;
  /// any of them followed by a time of midnight (`2015-04-01T00:00:00`,
  /// `01/04/2015 00:00`). A bare `2015-04` is not a date here: `2011-12`
  /// is a financial year.
  public static func date(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
    let r = trimmed(bytes)
    var e = r.upperBound
    let s = r.lowerBound
    guard e - s >= 5 else { return nil }
    let b = bytes
    // A time at midnight after the date: `T00:00[:00[.000]][Z]` or ` 00:00…`.
    if let t = (s..<e).first(where: {
      (b[$0] == 84 || b[$0] == space) && $0 + 3 < e && isDigit(b[$0 + 1]) && isDigit(b[$0 + 2]) && b[$0 + 3] == 58
    }), t > s {
      guard isMidnight(b, t + 1, e) else { return nil }
      e = t
    }
    var i = s
    func num(_ maxDigits: Int) -> (Int, Int)? {
      let start = i
      var v = 0
      while i < e && i - start < maxDigits && isDigit(b[i]) {
        v = v * 10 + Int(b[i] - 48)
        i += 1
      }
      return i > start ? (v, i - start) : nil
    }
    func month() -> Int? {
      let start = i
      while i < e && ((b[i] | 0x20) >= 97 && (b[i] | 0x20) <= 122) { i += 1 }
      return monthNumber(b, start, i)
    }
    func separator() -> UInt8? {
      guard i < e, b[i] == 47 || b[i] == 45 || b[i] == 46 || b[i] == space else { return nil }
      i += 1
      return b[i - 1]
    }
    func year(_ v: Int, _ digits: Int) -> Int? {
      digits == 4 ? v : digits == 2 ? (v < 30 ? 2000 + v : 1900 + v) : nil
    }
    func make(_ y: Int, _ m: Int, _ d: Int) -> Int32? {
      guard i == e, (1...12).contains(m), d >= 1, d <= Date.daysInMonth(y, m), (1...9999).contains(y) else {
        return nil
      }
      return Date.days(year: y, month: m, day: d)
    }
    if isDigit(b[s]) {
      guard let (first, n1) = num(4), let sep = separator() else { return nil }
      if n1 == 4 {
        // ISO: yyyy-mm-dd, two digits each.
        guard sep == 45, let (m, n2) = num(2), n2 == 2, separator() == 45, let (d, n3) = num(2), n3 == 2 else {
          return nil
        }
        return make(first, m, d)
      }
      guard n1 <= 2 else { return nil }
      if i < e && isDigit(b[i]) {
        // Day first: d/m/yyyy with one separator throughout.
        guard sep != space, let (m, _) = num(2), separator() == sep, let (y, n3) = num(4), n3 == 4 else {
          return nil
        }
        return make(y, m, first)
      }
      // `1 Apr 2015`, `01-Apr-2015`, `01-Apr-15`.
      guard let m = month(), let sep2 = separator(), sep2 == sep, let (y, n3) = num(4), let year = year(y, n3) else {
        return nil
      }
      return make(year, m, first)
    }
    // A month alone: `Apr-15`, `Apr 2015`, `April 2015`.
    guard let m = month(), let sep = separator(), sep == 45 || sep == space, let (y, n) = num(4),
      let year = year(y, n)
    else { return nil }
    return make(year, m, 1)
  }

  @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

  /// `00:00`, `00:00:00`, `00:00:00.000`, with an optional `Z`.
  static func isMidnight(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
    var e = to
    if e > from && b[e - 1] == 90 { e -= 1 }  // Z
    let n = e - from
    guard n == 5 || n >= 8 else { return false }
    for k in from..<e {
      let c = b[k], at = k - from
      if at == 2 || at == 5 {
        guard c == 58 else { return false }
      } else if at == 8 {
        guard c == 46, n > 9 else { return false }
      } else if c != 48 {
        return false
      }
    }
    return true
  }

  static let months = ExcelFormat.monthNames.map { Array($0.lowercased().utf8) }

  /// `Apr`, `April`, `Sept`, any case: 1 to 12.
  static func monthNumber(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    let n = end - start
    guard n >= 3 else { return nil }
    for (k, name) in months.enumerated() {
      guard n == 3 || n == name.count || (k == 8 && n == 4) else { continue }
      if (0..<n).allSatisfy({ b[start + $0] | 0x20 == name[$0] }) { return k + 1 }
    }
    return nil
  }

  /// `true` or `false`, any case.
  public static func bool(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
    let r = trimmed(bytes)
    let n = r.count
    guard n == 4 || n == 5 else { return nil }
    let word = n == 4 ? trueBytes : falseBytes
    for k in 0..<n where bytes[r.lowerBound + k] | 0x20 != word[k] { return nil }
    return n == 4
  }

  static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)
}

extension CellText {
  /// The same readings of a `String`.
  public static func number(_ s: String) -> Number? { withBytes(s) { number($0) } }
  public static func date(_ s: String) -> Int32? { withBytes(s) { date($0) } }
  public static func bool(_ s: String) -> Bool? { withBytes(s) { bool($0) } }
  public static func isNull(_ s: String) -> Bool {
    withBytes(s) { b in
      let r = trimmed(b)
      return isNull(b, r)
    }
  }

  static func withBytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    var s = s
    return s.withUTF8(body)
  }
}
