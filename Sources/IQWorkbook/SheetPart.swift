import Foundation
import IQCore

/// A cell range, `A3:K200`: rows and columns from 0.
struct CellRange: Equatable {
  var top: Int, left: Int, bottom: Int, right: Int

  /// Excel's limits: 1,048,576 rows and 16,384 columns (`XFD`).
  static let maxRows = 1_048_576, maxColumns = 16_384

  func contains(row: Int, column: Int) -> Bool {
    row >= top && row <= bottom && column >= left && column <= right
  }

  /// `A3:K200`, `B2`, or a whole column or row span (`A:C`, `3:10`).
  init?(_ text: String) {
    let parts = text.uppercased().split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 1 || parts.count == 2 else { return nil }
    var cells: [(row: Int?, column: Int?)] = []
    for p in parts {
      guard let c = CellRange.reference(Array(p.utf8)) else { return nil }
      cells.append(c)
    }
    let a = cells[0], b = cells.count == 2 ? cells[1] : cells[0]
    // Both ends name rows, columns, or both, alike.
    guard (a.row == nil) == (b.row == nil), (a.column == nil) == (b.column == nil) else { return nil }
    top = min(a.row ?? 0, b.row ?? 0)
    bottom = max(a.row ?? CellRange.maxRows - 1, b.row ?? CellRange.maxRows - 1)
    left = min(a.column ?? 0, b.column ?? 0)
    right = max(a.column ?? CellRange.maxColumns - 1, b.column ?? CellRange.maxColumns - 1)
  }

  init(top: Int, left: Int, bottom: Int, right: Int) {
    (self.top, self.left, self.bottom, self.right) = (top, left, bottom, right)
  }

  /// `B12` → row 11, column 1; `$B$12` too; either part may be missing.
  static func reference<C: Collection>(_ b: C) -> (row: Int?, column: Int?)? where C.Element == UInt8 {
    var column = 0, row = 0, letters = 0, digits = 0
    for c in b {
      if c == 36 { continue }  // $
      let u = c & 0xDF
      if u >= 65 && u <= 90 && digits == 0 {
        column = column * 26 + Int(u - 64)
        letters += 1
        guard letters <= 3 else { return nil }
      } else if c >= 48 && c <= 57 {
        row = row * 10 + Int(c - 48)
        digits += 1
        guard digits <= 7 else { return nil }
      } else {
        return nil
      }
    }
    guard letters + digits > 0, column <= maxColumns, row <= maxRows, digits == 0 || row >= 1 else { return nil }
    return (digits == 0 ? nil : row - 1, letters == 0 ? nil : column - 1)
  }

  /// `A`, `B`, … `Z`, `AA`: a column's letters.
  static func letters(_ column: Int) -> String {
    var n = column + 1
    var s: [Character] = []
    while n > 0 {
      let r = (n - 1) % 26
      s.insert(Character(Unicode.Scalar(UInt8(65 + r))), at: 0)
      n = (n - 1) / 26
    }
    return String(s)
  }

  var text: String {
    "\(CellRange.letters(left))\(top + 1):\(CellRange.letters(right))\(bottom + 1)"
  }
}

/// What a cell holds, before its column's type is found.
enum RawKind: UInt8 {
  /// A number in a plain, date or money format.
  case number = 0, date, money
  /// Text: an index into the shared strings, or into the sheet's own.
  case shared, text
  case bool
  /// `#N/A`, `#DIV/0!` …: its text is in the sheet's own strings.
  case error
}

/// One column's cells, sparse: only filled cells, in row order.
struct RawColumn {
  var rows: [Int32] = []
  var kinds: [RawKind] = []
  /// The number; a string's index; 1 or 0 for a boolean.
  var values: [Double] = []

  var count: Int { rows.count }

  /// The first cell at or after `row`.
  func first(atOrAfter row: Int) -> Int {
    var lo = 0, hi = rows.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if Int(rows[mid]) < row { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }
}

/// A worksheet part (`xl/worksheets/sheet1.xml`) read into sparse columns,
/// with its merged cells and the used range it declares.
final class SheetPart: XMLEvents {
  private let styles: [NumberKind]
  private let bounds: CellRange?
  /// Only the declared size is wanted (`.describe` listing the sheets).
  private let sizeOnly: Bool
  private let date1904: Bool
  /// `budget.xlsx (sheet Regions)`, for messages.
  let place: String

  var columns: [RawColumn] = []
  /// Inline and formula text, and error cells' text.
  var texts: [String] = []
  var merges: [CellRange] = []
  var dimension: CellRange?
  var rowCount = 0
  private var unsorted = false

  // Where the parse is.
  private var row = -1, column = -1
  /// The t attribute's first letter (`S` for `str` and `inlineStr`), 0 for none.
  private var kind: UInt8 = 0
  private var style = 0
  private var inValue = false, inInline = false, inPhonetic = false, hasValue = false
  private var buffer = TextBuffer()

  /// For each shared string, whether it is blank (spaces or nothing): such
  /// a cell is left out as if empty.
  private let blankShared: [Bool]

  init(
    styles: [NumberKind], bounds: CellRange?, place: String, date1904: Bool, blankShared: [Bool] = [],
    sizeOnly: Bool = false
  ) {
    self.blankShared = blankShared
    self.styles = styles
    self.date1904 = date1904
    self.bounds = bounds
    self.place = place
    self.sizeOnly = sizeOnly
  }

  override func start(_ name: XMLName, _ a: XMLAttributes) {
    let p = name.p
    if p[0] == 99 && p[1] == 0 {  // c
      startCell(a)
    } else if p[0] == 118 && p[1] == 0 {  // v
      inValue = true
      buffer.bytes.removeAll(keepingCapacity: true)
    } else if name.is("row") {
      if let r = a.int("r"), r >= 1, r <= CellRange.maxRows {
        row = r - 1
      } else {
        row += 1
      }
      column = -1
    } else if inInline {
      if name.is("t") && !inPhonetic { inValue = true } else if name.is("rPh") { inPhonetic = true }
    } else if name.is("is") {
      inInline = true
      buffer.bytes.removeAll(keepingCapacity: true)
    } else if name.is("mergeCell") {
      if let ref = a.string("ref"), let r = CellRange(ref) { merges.append(r) }
    } else if name.is("dimension") {
      dimension = a.string("ref").flatMap(CellRange.init)
    } else if name.is("sheetData") && sizeOnly {
      done = true
    }
  }

  private func startCell(_ a: XMLAttributes) {
    kind = 0
    style = 0
    hasValue = false
    var placed = false
    if let p = a.p {
      for i in 0..<a.count {
        let n = p[5 * i]!
        guard n[1] == 0 else { continue }
        let start = p[5 * i + 3]!, end = p[5 * i + 4]!
        let count = start.distance(to: end)
        switch n[0] {
        case 114:  // r
          if let ref = CellRange.reference(UnsafeBufferPointer(start: start, count: count)), let c = ref.column {
            column = c
            if let r = ref.row { row = r }
            placed = true
          }
        case 116:  // t: s, str, inlineStr, n, b, e, d
          kind = count == 0 ? 0 : start[0] == 115 && count > 1 ? 83 : start[0]  // str and inlineStr: S
        case 115:  // s
          var s = 0
          for j in 0..<min(count, 9) { s = s * 10 + Int(start[j] &- 48) }
          style = s
        default: break
        }
      }
    }
    if !placed { column += 1 }
    if column >= CellRange.maxColumns {
      failure = Diagnostic(
        "\(place) is damaged: it has a row of more than \(CellRange.maxColumns) cells, more than a sheet can", at: nil,
        help: WorkbookError.repairHelp)
    }
  }

  override func end(_ name: XMLName) {
    let p = name.p
    if p[0] == 118 && p[1] == 0 {  // v
      inValue = false
      hasValue = true
    } else if p[0] == 99 && p[1] == 0 {  // c
      if hasValue { store() }
    } else if inInline {
      if name.is("t") {
        inValue = false
      } else if name.is("rPh") {
        inPhonetic = false
      } else if name.is("is") {
        inInline = false
        hasValue = true
      }
    }
  }

  override func text(_ p: UnsafePointer<UInt8>, _ n: Int) {
    if inValue && !buffer.append(p, n) {
      failure = Diagnostic(
        "\(place) is damaged: the cell \(CellRange.letters(column))\(row + 1) is longer than a workbook cell can hold",
        at: nil)
    }
  }

  /// The cell just read, into its column.
  private func store() {
    if row < 0 || row >= CellRange.maxRows { return }
    if let bounds, !bounds.contains(row: row, column: column) { return }
    let value: Double
    let raw: RawKind
    switch kind {
    case 0, 110:  // none, n
      guard let x = number() else { return }
      value = x
      raw = style < styles.count ? RawKind(rawValue: styles[style].rawValue)! : .number
    case 115:  // s: a shared string
      guard let x = number(), x >= 0, x == x.rounded(), x < Double(blankShared.count) else {
        return bad("a shared string number")
      }
      if blankShared[Int(x)] { return }
      value = x
      raw = .shared
    case 98:  // b
      value = buffer.bytes.first == 49 ? 1 : 0
      raw = .bool
    case 101:  // e
      texts.append(buffer.string)
      value = Double(texts.count - 1)
      raw = .error
    case 100:  // d: an ISO 8601 date, as strict workbooks write one
      let days = buffer.bytes.withUnsafeBufferPointer { CellText.date($0) }
      guard let days else { return bad("a date") }
      // As a serial number in the workbook's date system: the reader turns it back.
      value = Double(days) + (date1904 ? 24107 : 25569)
      raw = .date
    default:  // str (a formula's text), inlineStr
      if buffer.bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { return }
      texts.append(buffer.string)
      value = Double(texts.count - 1)
      raw = .text
    }
    while columns.count <= column { columns.append(RawColumn()) }
    if let last = columns[column].rows.last, Int(last) >= row { unsorted = true }
    columns[column].rows.append(Int32(row))
    columns[column].kinds.append(raw)
    columns[column].values.append(value)
    rowCount = max(rowCount, row + 1)
  }

  private func bad(_ what: String) {
    // Damaged data can be anything: control characters are not shown.
    let shown = String(
      String.UnicodeScalarView(
        String(decoding: buffer.bytes.prefix(40), as: UTF8.self).unicodeScalars.map { $0.value < 32 ? "?" : $0 }))
    failure = Diagnostic(
      "\(place) is damaged: the cell \(CellRange.letters(column))\(row + 1) should hold \(what) and holds \"\(shown)\"",
      at: nil, help: WorkbookError.repairHelp)
  }

  /// The value as a number (`strtod`'s rules: Excel writes `1.5E-3`).
  private func number() -> Double? {
    let n = buffer.bytes.count
    guard n > 0 else { return nil }
    if let x = SheetPart.plainDecimal(buffer.bytes) { return x }
    buffer.bytes.append(0)
    defer { buffer.bytes.removeLast() }
    return buffer.bytes.withUnsafeBufferPointer { b -> Double? in
      var end: UnsafeMutablePointer<CChar>?
      let base = UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: CChar.self)
      let x = strtod(base, &end)
      guard let end, base.distance(to: end) == n, x.isFinite else {
        bad("a number")
        return nil
      }
      return x
    }
  }

  /// `-12`, `3.25`: digits with at most one point and 15 digits, as most
  /// cells are written, read exactly without `strtod` (a whole number of
  /// at most 15 digits over a power of ten up to 10^22 is one correctly
  /// rounded division).
  @inline(__always) static func plainDecimal(_ b: [UInt8]) -> Double? {
    var i = 0
    let negative = b[0] == 45
    if negative { i = 1 }
    var m: UInt64 = 0
    var digits = 0, decimals = 0, point = false
    while i < b.count {
      let c = b[i]
      if c >= 48 && c <= 57 {
        m = m &* 10 &+ UInt64(c - 48)
        digits += 1
        if point { decimals += 1 }
      } else if c == 46 && !point {
        point = true
      } else {
        return nil
      }
      i += 1
    }
    guard digits > 0, digits <= 15 else { return nil }
    let x = decimals == 0 ? Double(m) : Double(m) / CellText.powers[decimals]
    return negative ? -x : x
  }

  /// After the part: cells in row order (a producer may write rows out of
  /// order, and a row's cells with repeated references), the last of a
  /// repeated cell kept.
  func finish() {
    guard unsorted else { return }
    for i in columns.indices {
      var c = columns[i]
      let order = c.rows.indices.sorted { (c.rows[$0], $0) < (c.rows[$1], $1) }
      var kept: [Int] = []
      for j in order {
        if let last = kept.last, c.rows[last] == c.rows[j] { kept[kept.count - 1] = j } else { kept.append(j) }
      }
      c.rows = kept.map { c.rows[$0] }
      c.kinds = kept.map { c.kinds[$0] }
      c.values = kept.map { c.values[$0] }
      columns[i] = c
    }
  }
}
