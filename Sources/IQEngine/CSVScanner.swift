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
  /// A blank line (nothing but delimiters and spaces) starts at `at`; it is
  /// not a record.
  mutating func blank(at: Int)
}

extension CSVVisitor {
  package mutating func blank(at: Int) {}
}

/// The RFC 4180 state machine over bytes: fields split by the delimiter (a
/// comma unless the file says otherwise), records by LF or CRLF, quoted
/// fields with doubled quotes and line breaks inside. Blank lines are
/// reported apart and are not records.
package struct CSVScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  let source: () -> SourceFile
  var delimiter: UInt8 = 44

  init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8 = 44, source: @escaping () -> SourceFile) {
    self.bytes = bytes
    self.delimiter = delimiter
    self.source = source
  }

  /// Where the line starting at `i` ends, past its line break, if it is
  /// blank: nothing before the break but delimiters, spaces and tabs.
  @inline(__always) func blankLineEnd(at i: Int, limit: Int) -> Int? {
    let b = bytes
    var j = i
    while j < limit {
      let c = b[j]
      if c == 10 { return j + 1 }
      if c == 13 && (j + 1 == limit || b[j + 1] == 10) { return j + 1 == limit ? limit : j + 2 }
      guard c == delimiter || c == 32 || c == 9 else { return nil }
      j += 1
    }
    return j > i ? limit : nil
  }

  /// Scans the records that start in `from..<to`.
  func scan<V: CSVVisitor>(from: Int, to: Int, _ v: inout V) throws {
    let b = bytes
    let n = b.count
    let separator = delimiter, quote: UInt8 = 34, cr: UInt8 = 13, lf: UInt8 = 10
    var i = from
    while i < to {
      let c0 = b[i]
      if c0 == lf || c0 == cr || c0 == separator || c0 == 32 || c0 == 9, let next = blankLineEnd(at: i, limit: n) {
        v.blank(at: i)
        i = next
        continue
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
          if i < n && b[i] != separator && b[i] != lf && b[i] != cr {
            throw Diagnostic(
              "text after the closing quote of a field", at: Span(i, i + 1),
              help: "a quote inside a quoted field is written \"\""
            ).in(source())
          }
        } else {
          // Eight bytes at a time up to the first that could end the field.
          i = CSVScanner.skipPlain(b, from: i, to: n, delimiter: separator)
          while i < n {
            let c = b[i]
            if c == separator || c == lf { break }
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
        if i < n && b[i] == separator {
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

  /// `scan` for a range with no quote in it, which is most CSV: every delimiter
  /// ends a field and every LF a record (a CR before it is not part of
  /// the field), so the delimiters and LFs are found eight bytes at a time and
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
    let delimiter = self.delimiter
    /// Past the blank lines that start at `at`, reporting each.
    func skipBlank(_ at: Int) -> Int {
      var at = at
      while at < to {
        let c = b[at]
        guard c == lf || c == cr || c == delimiter || c == 32 || c == 9, let next = blankLineEnd(at: at, limit: to)
        else { break }
        v.blank(at: at)
        at = next
      }
      return at
    }
    var fieldStart = skipBlank(from)
    var column = 0
    var i = fieldStart
    while i < to {
      var mask: UInt64 = 0
      let width = min(8, to - i)
      if width == 8 {
        let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        mask = equal(w, delimiter) | equal(w, lf)
      } else {
        for k in 0..<width where b[i + k] == delimiter || b[i + k] == lf { mask |= 0x80 << UInt64(8 * k) }
      }
      while mask != 0 {
        let d = i + mask.trailingZeroBitCount / 8
        mask &= mask - 1
        if d < fieldStart { continue }  // inside a blank line skipped
        if b[d] == delimiter {
          v.field(column, fieldStart, d, cell: fieldStart, escaped: false)
          column += 1
          fieldStart = d + 1
          continue
        }
        var end = d
        if end > fieldStart && b[end - 1] == cr { end -= 1 }
        v.field(column, fieldStart, end, cell: fieldStart, escaped: false)
        try v.record(fields: column + 1, end: end)
        column = 0
        fieldStart = skipBlank(d + 1)
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

  /// Where the first delimiter, quote, CR or LF at or after `i` is, or near it:
  /// eight bytes are tested at once for any of the four.
  @inline(__always) static func skipPlain(
    _ b: UnsafeBufferPointer<UInt8>, from start: Int, to n: Int, delimiter: UInt8
  ) -> Int {
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
      let hit = has(w, delimiter) | has(w, 34) | has(w, 10) | has(w, 13)
      if hit != 0 { return i + hit.trailingZeroBitCount / 8 }
      i += 8
    }
    return i
  }
}

/// Bytes of a field, and the checks type inference makes on them: each
/// tries the quick reading of a plain value first, then every form an
/// export writes (`CellText`).
struct FieldBytes {
  let p: UnsafeBufferPointer<UInt8>
  let start: Int
  let end: Int
  var count: Int { end - start }
  subscript(k: Int) -> UInt8 { p[start + k] }

  var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: p[start..<end]) }

  /// Empty, or a missing-value marker (`NA`, `#N/A`, `[c]` …), spaces
  /// around it allowed. (The words `with nulls` adds are made empty
  /// before: `CSVReader.withField`.)
  @inline(__always) var isNull: Bool {
    if count == 0 { return true }
    // Every marker starts with one of `- * : . N n # [`; a value that
    // starts otherwise (and not with a space) is not one.
    switch p[start] {
    case 45, 42, 58, 46, 78, 110, 35, 91, 32, 9: return CellText.isNull(p, trimmed)
    default: return false
    }
  }

  /// Where the bytes are without spaces and tabs at either end.
  var trimmed: Range<Int> {
    var s = start, e = end
    while s < e && (p[s] == 32 || p[s] == 9) { s += 1 }
    while e > s && (p[e - 1] == 32 || p[e - 1] == 9) { e -= 1 }
    return s..<e
  }

  var string: String { String(decoding: bytes, as: UTF8.self) }

  /// The quick reading: `-?[1-9][0-9]*` or `0`, fitting an Int64; nil
  /// when the field is written any other way.
  @inline(__always) var plainInt: Int64? {
    var k = 0
    var negative = false
    if count > 0 && self[0] == 45 {
      negative = true
      k = 1
    }
    guard k < count, self[k] != 48 || k + 1 == count else { return nil }
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

  /// Every other way a number is written, when the quick reading fails.
  var exported: CellText.Number? {
    guard let n = CellText.number(bytes), !n.leadingZero else { return nil }
    return n
  }

  /// A whole number: `7012`, `7,012`, `(7,012)`, `+7`.
  var int: Int64? {
    if let v = plainInt { return v }
    guard let n = exported, !n.pound, !n.percent else { return nil }
    return n.int
  }

  /// A number written plainly or as exported, not money or a percentage;
  /// no `inf`, `nan` or hex, none past the largest double, no `007`.
  var number: Double? {
    if let v = plainNumber { return v }
    guard let n = exported, !n.pound, !n.percent else { return nil }
    return n.value
  }

  /// `-123.45` and the like, quickly and exactly: both parts fit a double.
  @inline(__always) var plainNumber: Double? {
    var k = 0, negative = false
    if count > 0 && self[0] == 45 {
      negative = true
      k = 1
    }
    guard k < count, count - k <= 17 else { return nil }
    // `007` is a code, `0.5` a number.
    if self[k] == 48 && k + 1 < count && self[k + 1] != 46 { return nil }
    var mantissa: UInt64 = 0, scale = 0, seenPoint = false, digits = 0
    while k < count {
      let c = self[k]
      if c == 46 {
        if seenPoint { return nil }
        seenPoint = true
      } else if c >= 48 && c <= 57 {
        mantissa = mantissa * 10 + UInt64(c - 48)
        digits += 1
        if seenPoint { scale += 1 }
      } else {
        return nil
      }
      k += 1
    }
    guard digits > 0, mantissa < (1 << 53) else { return nil }
    let v = Double(mantissa) / CellText.powers[scale]
    return negative ? -v : v
  }

  /// `12.5%`, as 0.125.
  var percent: Double? {
    guard let n = exported, n.percent, !n.pound else { return nil }
    return n.value
  }

  /// `£1,200.50`, `-£5`, `£-5`, `(£500.00)`: pence.
  var money: Int64? {
    guard count >= 2, let n = exported, n.pound else { return nil }
    return n.pence
  }

  /// Any number, for a column the user says is a number: a percentage too.
  var anyNumber: Double? { plainNumber ?? exported.map(\.value) }

  /// Any amount with at most two decimals, for a column the user says is money.
  var anyMoney: Int64? { exported?.pence }

  /// `2015-04-01` quickly, then every date form an export writes.
  var date: Int32? {
    if count == 10, self[4] == 45, self[7] == 45, let d = isoDate { return d }
    return CellText.date(bytes)
  }

  var isoDate: Int32? {
    func num(_ a: Int, _ b: Int) -> Int? {
      var v = 0
      for k in a..<b {
        let d = Int(self[k]) - 48
        guard d >= 0 && d < 10 else { return nil }
        v = v * 10 + d
      }
      return v
    }
    guard let y = num(0, 4), let m = num(5, 7), let d = num(8, 10), (1...12).contains(m), d >= 1 else { return nil }
    if y >= FieldBytes.firstYear && y < FieldBytes.firstYear + FieldBytes.years {
      let month = (y - FieldBytes.firstYear) * 12 + m - 1
      guard d <= FieldBytes.monthLengths[month] else { return nil }
      return FieldBytes.monthStarts[month] + Int32(d - 1)
    }
    guard d <= Date.daysInMonth(y, m) else { return nil }
    return Date.days(year: y, month: m, day: d)
  }

  /// The day number of the first of each month from 1900 to 2199, and
  /// each month's length: most dates read are two lookups.
  static let firstYear = 1900, years = 300
  static let monthStarts: [Int32] = (0..<years * 12).map {
    Date.days(year: firstYear + $0 / 12, month: $0 % 12 + 1, day: 1)
  }
  static let monthLengths: [Int] = (0..<years * 12).map { Date.daysInMonth(firstYear + $0 / 12, $0 % 12 + 1) }

  var bool: Bool? { CellText.bool(bytes) }
}

/// The words `with nulls = (…)` adds, as bytes.
struct NullWords {
  let words: [[UInt8]]
  init?(_ words: [String]) {
    guard !words.isEmpty else { return nil }
    self.words = words.map { Array($0.utf8) }
  }
  func contains(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    words.contains { w in w.count == b.count && w.elementsEqual(b) }
  }
}
