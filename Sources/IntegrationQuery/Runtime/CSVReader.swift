import Foundation

/// Reads RFC 4180 CSV: quoted fields with embedded commas, quotes and line
/// breaks; CRLF or LF; UTF-8 with or without a BOM. Column types are
/// inferred from the values. A malformed file is refused whole, with its
/// path, line and column: a query never sees half a file.
public enum CSVReader {
  public static func read(path: String) throws -> Table {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      throw Diagnostic("no such file: \(path)", at: nil)
    }
    guard !isDir.boolValue else { throw Diagnostic("\(path) is a folder, not a CSV file", at: nil) }
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    if let kind = attributes?[.type] as? FileAttributeType, kind != .typeRegular {
      throw Diagnostic("\(path) is not a regular file; iq reads only regular files", at: nil)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Diagnostic("can't read \(path): permission denied or unreadable", at: nil)
    }
    return try parse([UInt8](data), name: path)
  }

  /// Parses CSV bytes; `name` is used in messages.
  public static func parse(_ input: [UInt8], name: String) throws -> Table {
    var bytes = input
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    if let bad = firstInvalidUTF8(bytes) {
      let (line, col) = position(bytes, bad)
      throw Diagnostic(
        "\(name) is not UTF-8: byte 0x\(String(bytes[bad], radix: 16, uppercase: true)) at line \(line), column \(col)",
        at: nil, help: "save the file as UTF-8 (in Excel: CSV UTF-8)")
    }
    if let nul = bytes.firstIndex(of: 0) {
      let (line, col) = position(bytes, nul)
      throw Diagnostic("\(name) has a NUL byte at line \(line), column \(col): it is not a text file", at: nil)
    }
    let source = SourceFile(name: name, text: String(decoding: bytes, as: UTF8.self))
    var records = try records(bytes, source)
    guard !records.isEmpty else { throw Diagnostic("\(name) is empty: a CSV file needs a header line", at: nil) }
    let header = records.removeFirst()
    var names: [String] = []
    for (i, cell) in header.cells.enumerated() {
      var n = cell.text.trimmingCharacters(in: .whitespaces)
      if n.isEmpty { n = "column_\(i + 1)" }
      var unique = n
      var k = 2
      while names.contains(unique) {
        unique = "\(n)_\(k)"
        k += 1
      }
      names.append(unique)
    }
    for r in records where r.cells.count != names.count {
      let extra = r.cells.count > names.count
      let at = extra ? r.cells[names.count].start : r.end
      throw Diagnostic(
        "row has \(r.cells.count) field\(r.cells.count == 1 ? "" : "s") but the header has \(names.count)",
        at: Span(at, extra ? r.cells[names.count].end : at),
        help: extra
          ? "quote a field that contains a comma: \"a, b\""
          : "every row needs a field for every column (leave it empty for null)"
      ).in(source)
    }
    var fields: [Field] = []
    var columns: [Column] = []
    for c in names.indices {
      let cells = records.map { $0.cells[c] }
      let column = inferColumn(cells.map(\.text), quoted: cells.map(\.quoted))
      fields.append(Field(names[c], column.type == .null ? .text : column.type))
      columns.append(column.type == .null ? Column.repeating(.null, type: .text, count: records.count) : column)
    }
    return Table(fields: fields, columns: columns, rowCount: records.count)
  }

  struct Cell {
    var text: String
    var quoted: Bool
    var start: Int
    var end: Int
  }

  struct Record {
    var cells: [Cell]
    var end: Int
  }

  static func records(_ b: [UInt8], _ source: SourceFile) throws -> [Record] {
    let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    var out: [Record] = []
    var i = 0
    let n = b.count
    while i < n {
      var cells: [Cell] = []
      // A blank line at the end of the file is no record.
      if b[i] == lf || (b[i] == cr && i + 1 < n && b[i + 1] == lf) {
        let rest = b[i...].allSatisfy { $0 == cr || $0 == lf }
        if rest { break }
      }
      while true {
        let start = i
        if i < n && b[i] == quote {
          i += 1
          var bytes: [UInt8] = []
          while true {
            guard i < n else {
              throw Diagnostic(
                "unterminated quoted field", at: Span(start, start + 1),
                help: "close the field with a \" (a quote inside a field is written \"\")"
              ).in(source)
            }
            if b[i] == quote {
              if i + 1 < n && b[i + 1] == quote {
                bytes.append(quote)
                i += 2
                continue
              }
              i += 1
              break
            }
            bytes.append(b[i])
            i += 1
          }
          if i < n && b[i] != comma && b[i] != lf && b[i] != cr {
            throw Diagnostic(
              "text after the closing quote of a field", at: Span(i, i + 1),
              help: "a quote inside a quoted field is written \"\""
            ).in(source)
          }
          cells.append(Cell(text: String(decoding: bytes, as: UTF8.self), quoted: true, start: start, end: i))
        } else {
          while i < n && b[i] != comma && b[i] != lf && !(b[i] == cr && (i + 1 >= n || b[i + 1] == lf)) {
            if b[i] == quote {
              throw Diagnostic(
                "a quote inside an unquoted field", at: Span(i, i + 1),
                help: "quote the whole field and double the quote: \"say \"\"hi\"\"\""
              ).in(source)
            }
            i += 1
          }
          cells.append(Cell(text: String(decoding: b[start..<i], as: UTF8.self), quoted: false, start: start, end: i))
        }
        if i < n && b[i] == comma {
          i += 1
          continue
        }
        let end = i
        if i < n && b[i] == cr { i += 1 }
        if i < n && b[i] == lf { i += 1 }
        out.append(Record(cells: cells, end: end))
        break
      }
    }
    return out
  }

  /// The narrowest type that every non-null value fits: int, number, money,
  /// date, bool, else text. Empty, `NA` and `-` are null.
  static func inferColumn(_ texts: [String], quoted: [Bool]) -> Column {
    let isNull = texts.map { $0.isEmpty || $0 == "NA" || $0 == "-" }
    let present = texts.indices.filter { !isNull[$0] }
    if present.isEmpty { return Column(.null(texts.count)) }
    func build<T>(_ parse: (String) -> T?, _ make: ([T]) -> ColumnData, _ fill: T) -> Column? {
      var out: [T] = []
      out.reserveCapacity(texts.count)
      for i in texts.indices {
        if isNull[i] {
          out.append(fill)
        } else if let v = parse(texts[i]) {
          out.append(v)
        } else {
          return nil
        }
      }
      return Column(make(out), valid: isNull.map { !$0 })
    }
    if let c = build(parseInt, { .int($0) }, 0) { return c }
    if let c = build(parseNumber, { .number($0) }, 0) { return c }
    if let c = build(parseMoney, { .money($0) }, 0) { return c }
    if let c = build({ Date.parseISO($0) }, { .date($0) }, 0) { return c }
    if let c = build(parseBool, { .bool($0) }, false) { return c }
    return Column(.text(texts.enumerated().map { isNull[$0.offset] ? "" : $0.element }), valid: isNull.map { !$0 })
  }

  static func parseInt(_ s: String) -> Int64? {
    guard let f = s.utf8.first, f == UInt8(ascii: "-") || (f >= 48 && f <= 57) else { return nil }
    return Int64(s)
  }

  static func parseNumber(_ s: String) -> Double? {
    // Digits, one point, an exponent: no `inf`, `nan` or hex.
    guard s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }),
      s.utf8.contains(where: { $0 >= 48 && $0 <= 57 })
    else { return nil }
    return Double(s)
  }

  /// `£1,200.50`, `£300`, `-£5`, `£-5`.
  static func parseMoney(_ s: String) -> Int64? {
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

  static func parseBool(_ s: String) -> Bool? {
    switch s.lowercased() {
    case "true": return true
    case "false": return false
    default: return nil
    }
  }

  /// Where the first byte that is not UTF-8 stands, if any.
  static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
    var i = 0
    while i < b.count {
      let c = b[i]
      let len: Int
      if c < 0x80 {
        len = 1
      } else if c & 0xE0 == 0xC0 && c >= 0xC2 {
        len = 2
      } else if c & 0xF0 == 0xE0 {
        len = 3
      } else if c & 0xF8 == 0xF0 && c <= 0xF4 {
        len = 4
      } else {
        return i
      }
      if i + len > b.count { return i }
      for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return i }
      if len == 3 {
        let cp = (UInt32(c & 0x0F) << 12) | (UInt32(b[i + 1] & 0x3F) << 6)
        if cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) { return i }
      }
      if len == 4 {
        let cp = (UInt32(c & 0x07) << 18) | (UInt32(b[i + 1] & 0x3F) << 12)
        if cp < 0x10000 || cp > 0x10FFFF { return i }
      }
      i += len
    }
    return nil
  }

  static func position(_ b: [UInt8], _ offset: Int) -> (Int, Int) {
    var line = 1
    var lineStart = 0
    for i in 0..<offset where b[i] == 10 {
      line += 1
      lineStart = i + 1
    }
    var col = 1
    var i = lineStart
    while i < offset {
      if b[i] & 0xC0 != 0x80 { col += 1 }
      i += 1
    }
    return (line, col)
  }
}
