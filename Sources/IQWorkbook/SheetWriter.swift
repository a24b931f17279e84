import Foundation
import IQCore

/// XML as bytes, written straight into a buffer: a sheet of a million rows
/// is a few hundred megabytes of it, so no string is made per cell.
struct XMLBytes {
  var bytes: [UInt8] = []

  mutating func raw(_ s: StaticString) {
    bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
  }

  mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

  mutating func int<T: BinaryInteger>(_ v: T) {
    if v < 0 {
      bytes.append(45)
      int(v.magnitude)
      return
    }
    if v >= 10 { int(v / 10) }
    bytes.append(48 + UInt8(v % 10))
  }

  /// A cell reference: `B12`.
  mutating func reference(_ letters: [UInt8], _ row: Int) {
    bytes.append(contentsOf: letters)
    int(row)
  }

  /// Text in an element or attribute: `& < > "` escaped, and characters
  /// XML 1.0 can't hold written as OOXML's `_xHHHH_` (a literal `_x` that
  /// looks like one as `_x005F_x`).
  mutating func text(_ s: String) {
    var utf8 = s.utf8
    let plain = utf8.withContiguousStorageIfAvailable { b in
      !b.contains { $0 < 32 || $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 95 || $0 == 0xEF }
    }
    if plain == true {
      bytes.append(contentsOf: utf8)
      return
    }
    var copy = s
    copy.makeContiguousUTF8()
    utf8 = copy.utf8
    let b = Array(utf8)
    var i = 0
    while i < b.count {
      let c = b[i]
      switch c {
      case 38: raw("&amp;")
      case 60: raw("&lt;")
      case 62: raw("&gt;")
      case 34: raw("&quot;")
      case 9, 10: bytes.append(c)
      case 13: raw("_x000D_")
      case 0..<32:
        raw("_x00")
        bytes.append(XMLBytes.hex[Int(c >> 4)])
        bytes.append(XMLBytes.hex[Int(c & 15)])
        bytes.append(95)
      case 95 where XMLBytes.looksEscaped(b, i):
        raw("_x005F_")
      case 0xEF where i + 2 < b.count && b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF):
        // U+FFFE and U+FFFF are not XML characters.
        raw(b[i + 2] == 0xBE ? "_xFFFE_" : "_xFFFF_")
        i += 2
      default: bytes.append(c)
      }
      i += 1
    }
  }

  static let hex = Array("0123456789ABCDEF".utf8)

  /// `_xHHHH_` at `i`: a reader would take it for an escape.
  static func looksEscaped(_ b: [UInt8], _ i: Int) -> Bool {
    guard i + 6 < b.count, b[i + 1] == 120, b[i + 6] == 95 else { return false }
    return b[(i + 2)..<(i + 6)].allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }
  }
}

/// A table as a worksheet part: a bold, frozen header row, typed cells,
/// money and dates in their formats, nulls as empty cells, fitted widths.
struct SheetWriter {
  /// The style indices the sheet's cells use (into the styles part's `cellXfs`).
  struct Styles {
    var header: Int, money: Int, date: Int
  }

  /// Excel's cell limit; a longer text makes Excel repair the file.
  static let maxText = 32_767

  /// Refuses a table Excel can't hold, naming what is over.
  static func check(_ t: Table, name: String) throws {
    guard t.rowCount < CellRange.maxRows else {
      throw Diagnostic(
        "\(groupThousands(String(t.rowCount))) rows don't fit in a sheet: Excel holds \(groupThousands(String(CellRange.maxRows - 1))) under the header",
        at: nil, help: "save it as .csv, or summarize it first")
    }
    guard t.columns.count <= CellRange.maxColumns else {
      throw Diagnostic(
        "\(t.columns.count) columns don't fit in a sheet: Excel holds \(CellRange.maxColumns)", at: nil,
        help: "save it as .csv")
    }
    for (f, c) in zip(t.fields, t.columns) {
      let long: Int?
      switch c.data {
      case .text(let a): long = a.firstIndex { $0.utf8.count > maxText && $0.count > maxText }
      case .coded(let codes, let d):
        let over = Set(d.indices.filter { d[$0].utf8.count > maxText && d[$0].count > maxText })
        long = over.isEmpty ? nil : codes.indices.first { over.contains(Int(codes[$0])) && !c.isNull($0) }
      default: long = nil
      }
      if let long, !c.isNull(long) {
        throw Diagnostic(
          "row \(long + 1) of \(f.name) has more than \(groupThousands(String(maxText))) characters, more than an Excel cell holds",
          at: nil, help: "shorten it with left(\(f.name), 32767), or save as .csv")
      }
    }
  }

  /// The worksheet part's XML.
  static func sheet(
    _ t: Table, styles: Styles, selected: Bool, cancellation: Cancellation
  ) throws -> [UInt8] {
    var x = XMLBytes()
    x.bytes.reserveCapacity(64 + t.rowCount * max(1, t.columns.count) * 24)
    let letters = (0..<max(1, t.columns.count)).map { Array(CellRange.letters($0).utf8) }
    x.raw(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><dimension ref=\"A1"
    )
    if t.columns.count > 1 || t.rowCount > 0 {
      x.raw(":")
      x.reference(letters[letters.count - 1], t.rowCount + 1)
    }
    x.raw("\"/><sheetViews><sheetView workbookViewId=\"0\"")
    if selected { x.raw(" tabSelected=\"1\"") }
    x.raw(
      "><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
    )
    if !t.columns.isEmpty {
      x.raw("<cols>")
      for (i, w) in widths(t).enumerated() {
        x.raw("<col min=\"")
        x.int(i + 1)
        x.raw("\" max=\"")
        x.int(i + 1)
        x.raw("\" width=\"")
        x.raw(String(format: "%.2f", w))
        x.raw("\" customWidth=\"1\"/>")
      }
      x.raw("</cols>")
    }
    x.raw("<sheetData><row r=\"1\">")
    for (i, f) in t.fields.enumerated() {
      x.raw("<c r=\"")
      x.reference(letters[i], 1)
      x.raw("\" s=\"")
      x.int(styles.header)
      x.raw("\" t=\"inlineStr\"><is><t")
      inline(&x, f.name)
    }
    x.raw("</row>")
    for r in 0..<t.rowCount {
      if r & 0xFFFF == 0 { try cancellation.check() }
      x.raw("<row r=\"")
      x.int(r + 2)
      x.raw("\">")
      for (i, c) in t.columns.enumerated() where !c.isNull(r) {
        x.raw("<c r=\"")
        x.reference(letters[i], r + 2)
        switch c.data {
        case .int(let a):
          x.raw("\"><v>")
          x.int(a[r])
          x.raw("</v></c>")
        case .number(let a):
          let v = a[r]
          guard v.isFinite else {
            // Infinity and NaN have no cell: Excel's own error for them.
            x.raw("\" t=\"e\"><v>#NUM!</v></c>")
            continue
          }
          x.raw("\"><v>")
          x.raw(shortestText(v))
          x.raw("</v></c>")
        case .money(let a):
          x.raw("\" s=\"")
          x.int(styles.money)
          x.raw("\"><v>")
          x.raw(Money.plain(a[r]))
          x.raw("</v></c>")
        case .date(let a):
          // Serial days from 1899-12-30; before 1 March 1900 Excel's
          // calendar is wrong (its 29 February 1900), so those stay text.
          let serial = Int(a[r]) + 25569
          if serial >= 61 {
            x.raw("\" s=\"")
            x.int(styles.date)
            x.raw("\"><v>")
            x.int(serial)
            x.raw("</v></c>")
          } else {
            x.raw("\" t=\"inlineStr\"><is><t")
            inline(&x, Date.iso(a[r]))
          }
        case .bool(let a):
          x.raw(a[r] ? "\" t=\"b\"><v>1</v></c>" : "\" t=\"b\"><v>0</v></c>")
        case .text(let a):
          x.raw("\" t=\"inlineStr\"><is><t")
          inline(&x, a[r])
        case .coded(let codes, let d):
          x.raw("\" t=\"inlineStr\"><is><t")
          inline(&x, d[Int(codes[r])])
        case .null: break
        }
      }
      x.raw("</row>")
    }
    x.raw(
      "</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>"
    )
    return x.bytes
  }

  /// The rest of an inline text cell, after `<t`: spaces at either end kept.
  static func inline(_ x: inout XMLBytes, _ s: String) {
    if let f = s.utf8.first, let l = s.utf8.last, f == 32 || l == 32 || f == 9 || l == 9 || f == 10 || l == 10 {
      x.raw(" xml:space=\"preserve\"")
    }
    x.raw(">")
    x.text(s)
    x.raw("</t></is></c>")
  }

  /// Each column's width in characters: its longest value as Excel shows
  /// it (money with `£` and commas, dates as `dd/mm/yyyy`), or its name in
  /// bold, within 8 and 60.
  static func widths(_ t: Table) -> [Double] {
    zip(t.fields, t.columns).map { f, c in
      var longest = 0
      switch c.data {
      case .int(let a):
        // The widest int is the largest or the smallest: two strings, not one a row.
        let present = a.indices.lazy.filter { !c.isNull($0) }.map { a[$0] }
        longest = [present.max(), present.min()].compactMap { $0.map { String($0).count } }.max() ?? 0
      case .number(let a):
        // Shown in at most 11 characters: the scan stops at the first that needs them.
        for r in a.indices where !c.isNull(r) {
          longest = max(longest, min(11, shortestText(a[r]).count))
          if longest == 11 { break }
        }
      case .money(let a):
        let biggest = a.indices.filter { !c.isNull($0) }.map { a[$0].magnitude }.max() ?? 0
        let digits = String(biggest / 100).count
        longest = 1 + digits + (digits - 1) / 3 + 3 + 1
      case .date: longest = 10
      case .bool: longest = 5
      case .text(let a):
        longest = a.indices.lazy.filter { !c.isNull($0) }.map { a[$0].unicodeScalars.count }.max() ?? 0
      case .coded(let codes, let d):
        var used = [Bool](repeating: false, count: d.count)
        for r in codes.indices where !c.isNull(r) { used[Int(codes[r])] = true }
        longest = d.indices.filter { used[$0] }.map { d[$0].unicodeScalars.count }.max() ?? 0
      case .null: longest = 0
      }
      let header = Double(f.name.unicodeScalars.count) * 1.1
      return min(60, max(8, max(Double(longest), header) + 2))
    }
  }
}
