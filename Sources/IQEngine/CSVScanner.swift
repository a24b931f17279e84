import Foundation
import IQCore

/// What a scan of CSV records reports: each field's bytes (quotes taken
/// off) and the end of each record. Generic, so each visitor's loop is
/// specialised: no closure call and no String per field.
package protocol CSVVisitor {
  /// `escaped`: the field was quoted and holds `""`, to be read as `"`.
  /// `cell` is where the field starts, its opening quote included.
  mutating func field(_ column: Int, _ start: Int, _ end: Int, cell: Int, escaped: Bool)
  /// `fields` fields ended at `end` (before the line break). Throws to stop.
  mutating func record(fields: Int, end: Int) throws
}

/// The RFC 4180 state machine over bytes: fields split by commas, records by
/// LF or CRLF, quoted fields with doubled quotes and line breaks inside.
package struct CSVScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  let source: () -> SourceFile

  /// Scans the records that start in `from..<to`. A blank line is a record
  /// of one empty field unless only line breaks follow it to the end of the file.
  func scan<V: CSVVisitor>(from: Int, to: Int, _ v: inout V) throws {
    let b = bytes
    let n = b.count
    let comma: UInt8 = 44, quote: UInt8 = 34, cr: UInt8 = 13, lf: UInt8 = 10
    var i = from
    while i < to {
      if b[i] == lf || (b[i] == cr && i + 1 < n && b[i + 1] == lf) {
        var j = i
        while j < n && (b[j] == cr || b[j] == lf) { j += 1 }
        if j == n { return }
      }
      var column = 0
      while true {
        let start = i
        if i < n && b[i] == quote {
          i += 1
          var escaped = false
          while true {
            guard i < n else {
              throw Diagnostic(
                "unterminated quoted field", at: Span(start, start + 1),
                help: "close the field with a \" (a quote inside a field is written \"\")"
              ).in(source())
            }
            if b[i] == quote {
              if i + 1 < n && b[i + 1] == quote {
                escaped = true
                i += 2
                continue
              }
              break
            }
            i += 1
          }
          v.field(column, start + 1, i, cell: start, escaped: escaped)
          i += 1
          if i < n && b[i] != comma && b[i] != lf && b[i] != cr {
            throw Diagnostic(
              "text after the closing quote of a field", at: Span(i, i + 1),
              help: "a quote inside a quoted field is written \"\""
            ).in(source())
          }
        } else {
          // Eight bytes at a time up to the first that could end the field.
          i = CSVScanner.skipPlain(b, from: i, to: n)
          while i < n {
            let c = b[i]
            if c == comma || c == lf { break }
            if c == cr && (i + 1 >= n || b[i + 1] == lf) { break }
            if c == quote {
              throw Diagnostic(
                "a quote inside an unquoted field", at: Span(i, i + 1),
                help: "quote the whole field and double the quote: \"say \"\"hi\"\"\""
              ).in(source())
            }
            i += 1
          }
          v.field(column, start, i, cell: start, escaped: false)
        }
        column += 1
        if i < n && b[i] == comma {
          i += 1
          continue
        }
        let end = i
        if i < n && b[i] == cr { i += 1 }
        if i < n && b[i] == lf { i += 1 }
        try v.record(fields: column, end: end)
        break
      }
    }
  }
}

extension CSVScanner {
  /// `scan`, the quick way when the range has no quote.
  func scanQuickly<V: CSVVisitor>(from: Int, to: Int, _ v: inout V) throws {
    if to > from, memchr(bytes.baseAddress! + from, 34, to - from) == nil {
      try scanUnquoted(from: from, to: to, &v)
    } else {
      try scan(from: from, to: to, &v)
    }
  }

  /// `scan` for a range with no quote in it, which is most CSV: every comma
  /// ends a field and every LF a record (a CR before it is not part of
  /// the field), so the commas and LFs are found eight bytes at a time and
  /// visited in order. The records and fields are the same as `scan`'s.
  func scanUnquoted<V: CSVVisitor>(from: Int, to: Int, _ v: inout V) throws {
    let b = bytes
    let n = b.count
    guard let base = b.baseAddress, from < to else { return }
    let raw = UnsafeRawPointer(base)
    let cr: UInt8 = 13, lf: UInt8 = 10
    let ones: UInt64 = 0x0101_0101_0101_0101, lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    /// The high bit of each byte of `w` that equals `c`, exactly.
    @inline(__always) func equal(_ w: UInt64, _ c: UInt8) -> UInt64 {
      let x = w ^ (ones &* UInt64(c))
      return ~(((x & lows) &+ lows) | x | lows)
    }
    var fieldStart = from
    var column = 0
    var i = from
    while i < to {
      var mask: UInt64 = 0
      let width = min(8, to - i)
      if width == 8 {
        let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        mask = equal(w, 44) | equal(w, lf)
      } else {
        for k in 0..<width where b[i + k] == 44 || b[i + k] == lf { mask |= 0x80 << UInt64(8 * k) }
      }
      while mask != 0 {
        let d = i + mask.trailingZeroBitCount / 8
        mask &= mask - 1
        if b[d] == 44 {
          v.field(column, fieldStart, d, cell: fieldStart, escaped: false)
          column += 1
          fieldStart = d + 1
          continue
        }
        var end = d
        if end > fieldStart && b[end - 1] == cr { end -= 1 }
        if column == 0 && end == fieldStart {
          // A blank line ends the file if only line breaks follow it.
          var j = d
          while j < n && (b[j] == cr || b[j] == lf) { j += 1 }
          if j == n { return }
        }
        v.field(column, fieldStart, end, cell: fieldStart, escaped: false)
        try v.record(fields: column + 1, end: end)
        column = 0
        fieldStart = d + 1
      }
      i += width
    }
    // The last record, when the file does not end with a line break.
    if fieldStart < to || column > 0 {
      var end = to
      if end > fieldStart && b[end - 1] == cr { end -= 1 }
      v.field(column, fieldStart, end, cell: fieldStart, escaped: false)
      try v.record(fields: column + 1, end: end)
    }
  }

  /// Where the first comma, quote, CR or LF at or after `i` is, or near it:
  /// eight bytes are tested at once for any of the four.
  @inline(__always) static func skipPlain(_ b: UnsafeBufferPointer<UInt8>, from start: Int, to n: Int) -> Int {
    guard let base = b.baseAddress else { return start }
    let raw = UnsafeRawPointer(base)
    var i = start
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func has(_ w: UInt64, _ byte: UInt8) -> UInt64 {
      let x = w ^ (ones &* UInt64(byte))
      return (x &- ones) & ~x & highs
    }
    while i + 8 <= n {
      let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      let hit = has(w, 44) | has(w, 34) | has(w, 10) | has(w, 13)
      if hit != 0 { return i + hit.trailingZeroBitCount / 8 }
      i += 8
    }
    return i
  }
}

/// Bytes of a field, and the checks type inference makes on them.
struct FieldBytes {
  let p: UnsafeBufferPointer<UInt8>
  let start: Int
  let end: Int
  var count: Int { end - start }
  subscript(k: Int) -> UInt8 { p[start + k] }

  /// Empty, `NA` and `-` are null.
  var isNull: Bool {
    count == 0 || (count == 1 && self[0] == 45) || (count == 2 && self[0] == 78 && self[1] == 65)
  }

  var string: String { String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self) }

  /// `-?[0-9]+` that fits in an Int64.
  var int: Int64? {
    var k = 0
    var negative = false
    if count > 0 && self[0] == 45 {
      negative = true
      k = 1
    }
    guard k < count else { return nil }
    var v: Int64 = 0
    while k < count {
      let d = self[k] &- 48
      guard d < 10 else { return nil }
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
      if o1 || o2 { return nil }
      v = s
      k += 1
    }
    return v
  }

  /// A decimal number: digits, a point, an exponent; no `inf`, `nan` or hex,
  /// and none past the largest double.
  var number: Double? {
    var digits = false
    for k in 0..<count {
      let c = self[k]
      if c >= 48 && c <= 57 {
        digits = true
      } else if !(c == 46 || c == 45 || c == 43 || c == 101 || c == 69) {
        return nil
      }
    }
    guard digits else { return nil }
    // Fast and exact for `-123.45`: both parts fit a double exactly.
    var k = 0, negative = false
    if self[0] == 45 {
      negative = true
      k = 1
    }
    var mantissa: UInt64 = 0, scale = 0, seenPoint = false, simple = k < count && count - k <= 17
    while simple && k < count {
      let c = self[k]
      if c == 46 {
        if seenPoint { simple = false }
        seenPoint = true
      } else if c >= 48 && c <= 57 {
        mantissa = mantissa * 10 + UInt64(c - 48)
        if seenPoint { scale += 1 }
      } else {
        simple = false
      }
      k += 1
    }
    if simple && mantissa < (1 << 53) && scale <= 22 {
      let v = Double(mantissa) / FieldBytes.powers[scale]
      return negative ? -v : v
    }
    // `1e400` is past the largest double: the field is text, not infinity.
    guard let v = Double(string), v.isFinite else { return nil }
    return v
  }

  static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

  /// `2015-04-01`.
  var date: Int32? {
    guard count == 10, self[4] == 45, self[7] == 45 else { return nil }
    func num(_ a: Int, _ b: Int) -> Int? {
      var v = 0
      for k in a..<b {
        let d = Int(self[k]) - 48
        guard d >= 0 && d < 10 else { return nil }
        v = v * 10 + d
      }
      return v
    }
    guard let y = num(0, 4), let m = num(5, 7), let d = num(8, 10), (1...12).contains(m), d >= 1,
      d <= Date.daysInMonth(y, m)
    else { return nil }
    return Date.days(year: y, month: m, day: d)
  }

  var bool: Bool? {
    guard count == 4 || count == 5 else { return nil }
    let lower = (0..<count).map { self[$0] | 0x20 }
    if lower == Array("true".utf8) { return true }
    if lower == Array("false".utf8) { return false }
    return nil
  }

  /// `£1,200.50`, `-£5`: money is rare, so it goes through text.
  var money: Int64? {
    guard count >= 2, self[0] == 0xC2 || (self[0] == 45 && count >= 3 && self[1] == 0xC2) else { return nil }
    return Money.parse(string)
  }
}
