import Foundation
import IQCore

/// A sheet's cells as a table: where the header is, what the columns are
/// called, which rows are data, and each column's type.
struct SheetLayout {
  let part: SheetPart
  let strings: [String]
  let options: ReadOptions
  let bounds: CellRange?
  let date1904: Bool
  /// `budget.xlsx (sheet Regions)`, for messages.
  let place: String
  private let nulls: Set<String>

  init(
    part: SheetPart, strings: [String], options: ReadOptions, bounds: CellRange?, date1904: Bool, place: String
  ) {
    self.part = part
    self.strings = strings
    self.options = options
    self.bounds = bounds
    self.date1904 = date1904
    self.place = place
    nulls = Set(CellText.nullMarkers + options.nulls)
    nullShared = []
    nullShared = strings.map(isNull)
  }

  /// For each shared string, whether it means missing (`*`, `n/a`, …).
  private var nullShared: [Bool]

  /// A filled cell: its column, and its place in that column's cells.
  struct Cell {
    var column: Int
    var index: Int
  }

  /// Rows looked at to find the header.
  static let sampleRows = 300

  mutating func read(wanted: Set<String>?, sheet: String) throws -> WorkbookReader.Read {
    let first = (bounds?.top ?? 0) + (options.skip ?? 0)
    let end = min(part.rowCount, (bounds?.bottom ?? Int.max - 1) + 1)
    guard first < end else {
      if let skip = options.skip, skip > 0 {
        throw Diagnostic(
          "\(place) has nothing after its first \(skip) row\(skip == 1 ? "" : "s")", at: nil,
          help: "skip counts rows above the header, blank ones included")
      }
      throw Diagnostic("\(place) is empty", at: nil, help: "name another sheet: with sheet = \"…\" or sheet = 2")
    }
    // The first rows, cell by cell.
    let n = min(end - first, SheetLayout.sampleRows)
    var sample = [[Cell]](repeating: [], count: n)
    for (c, column) in part.columns.enumerated() {
      var i = column.first(atOrAfter: first)
      while i < column.count && Int(column.rows[i]) < first + n {
        sample[Int(column.rows[i]) - first].append(Cell(column: c, index: i))
        i += 1
      }
    }
    let merges = part.merges.filter { $0.bottom >= first && $0.top < first + n }
    func merge(_ row: Int, _ column: Int) -> CellRange? {
      merges.first { $0.contains(row: row, column: column) }
    }
    /// Columns a row fills, a merged cell counting for each it spans.
    func width(_ r: Int) -> Int {
      sample[r].reduce(0) { w, cell in
        w + (merge(first + r, cell.column).map { $0.top == first + r ? $0.right - $0.left + 1 : 1 } ?? 1)
      }
    }
    func labels(_ r: Int) -> Bool { sample[r].allSatisfy(isLabel) }
    func across(_ r: Int) -> Bool { merges.contains { $0.top == first + r && $0.right > $0.left } }

    let widest = sample.map(\.count).max() ?? 0
    var at = 0
    if options.skip == nil && widest >= 2 {
      // Title rows: one filled cell each.
      while at < n && sample[at].count <= 1 { at += 1 }
    }
    var headerRows: [Int] = []
    if options.header != 0 && at < n {
      if options.header == nil && options.skip == nil {
        let need = max(2, widest - widest / 4)
        if let labelRow = (at..<min(n, at + 20)).first(where: { width($0) >= need && labels($0) }) {
          at = labelRow
        }
      }
      headerRows = [at]
      let below = at + 1 < n && !sample[at + 1].isEmpty && labels(at + 1)
      if options.header == 2 {
        if at + 1 < n { headerRows.append(at + 1) }
      } else if options.header == nil {
        let mergedDown = merges.contains { $0.top == first + at && $0.bottom > $0.top }
        let groupAbove =
          at > 0 && !sample[at - 1].isEmpty && labels(at - 1) && across(at - 1)
          && width(at - 1) < width(at)
        if groupAbove {
          headerRows = [at - 1, at]
        } else if mergedDown || (across(at) && below) {
          headerRows.append(at + 1)
        }
      }
    }
    let dataStart = first + (headerRows.last.map { $0 + 1 } ?? at)

    // Rows of data: blank rows skipped; one-cell rows after a blank row at the end are notes.
    var counts = [Int32](repeating: 0, count: max(0, end - dataStart))
    for column in part.columns {
      var i = column.first(atOrAfter: dataStart)
      while i < column.count && Int(column.rows[i]) < end {
        counts[Int(column.rows[i]) - dataStart] += 1
        i += 1
      }
    }
    var dataEnd = counts.count
    var notes: [Int] = []
    if widest >= 2, let last = counts.lastIndex(where: { $0 >= 2 }) {
      let after = (last + 1)..<counts.count
      if let firstNote = after.first(where: { counts[$0] > 0 }), counts[last + 1] == 0 {
        notes = after.filter { counts[$0] > 0 }
        dataEnd = firstNote
      }
    }
    var rowOf = [Int32](repeating: -1, count: counts.count)
    var sheetRows: [Int32] = []
    for r in 0..<dataEnd where counts[r] > 0 {
      rowOf[r] = Int32(sheetRows.count)
      sheetRows.append(Int32(dataStart + r + 1))
    }
    let rowCount = sheetRows.count

    // Columns: named in the header, or holding data.
    func headerText(_ row: Int, _ column: Int) -> String {
      let origin = merge(row, column).map { ($0.top, $0.left) } ?? (row, column)
      guard let cell = cellAt(origin.0, origin.1) else { return "" }
      return display(part.columns[origin.1], cell).trimmingCharacters(in: .whitespaces)
    }
    var columnIndices: [Int] = []
    var cells: [String] = []
    for c in part.columns.indices {
      var name = ""
      if let top = headerRows.first.map({ first + $0 }) {
        name = headerText(top, c)
        if headerRows.count == 2, merge(top, c).map({ $0.bottom > top }) != true {
          name = [name, headerText(top + 1, c)].filter { !$0.isEmpty }.joined(separator: " ")
        }
      }
      let column = part.columns[c]
      var i = column.first(atOrAfter: dataStart)
      var hasData = false
      while i < column.count && Int(column.rows[i]) < dataStart + dataEnd {
        if rowOf[Int(column.rows[i]) - dataStart] >= 0 {
          hasData = true
          break
        }
        i += 1
      }
      if !name.isEmpty || hasData {
        columnIndices.append(c)
        cells.append(name)
      }
    }
    guard !columnIndices.isEmpty else {
      throw Diagnostic("\(place) is empty", at: nil, help: "name another sheet: with sheet = \"…\" or sheet = 2")
    }
    let names =
      headerRows.isEmpty
      ? columnIndices.map(CellRange.letters)
      : uniqueColumnNames(cells) { CellRange.letters(columnIndices[$0]) }.0

    var fields: [Field] = []
    var columns: [Column] = []
    var letters: [String] = []
    var errors = 0
    var firstError: (String, String)?
    for (k, c) in columnIndices.enumerated() {
      let built = try build(
        part.columns[c], letter: CellRange.letters(c), name: names[k], from: dataStart, rows: rowOf, count: rowCount,
        skip: wanted.map { !$0.contains(names[k]) } ?? false)
      errors += built.errors
      if firstError == nil, let e = built.firstError { firstError = e }
      // A column the query doesn't read is left out, as the CSV reader does
      // (its error cells still count, so the warning is the same either way).
      if let wanted, !wanted.contains(names[k]) { continue }
      fields.append(Field(names[k], built.column.type))
      columns.append(built.column)
      letters.append(CellRange.letters(c))
    }
    var warnings: [Diagnostic] = []
    if !notes.isEmpty {
      let row = dataStart + notes[0]
      let text = noteText(row)
      let many =
        notes.count == 1
        ? "1 row under the table in \(place) is a note and was"
        : "\(notes.count) rows under the table in \(place) are notes and were"
      warnings.append(
        Diagnostic(
          "\(many) left out (row \(groupThousands(String(row + 1))): \"\(text)\")", at: nil,
          help:
            "a row with one filled cell after a blank row is read as a note; if it is data, remove the blank row above it",
          severity: .warning))
    }
    if errors > 0, let (cell, text) = firstError {
      warnings.append(
        Diagnostic(
          "\(groupThousands(String(errors))) error cell\(errors == 1 ? "" : "s") in \(place) read as null (the first: \(cell) \(text))",
          at: nil,
          help: "these are formulas that failed in Excel; correct them there, or leave the nulls out with where",
          severity: .warning))
    }
    return WorkbookReader.Read(
      table: Table(fields: fields, columns: columns, rowCount: rowCount), warnings: warnings, sheet: sheet,
      headerRows: headerRows.map { first + $0 + 1 }, firstDataRow: dataStart + 1,
      letters: letters, sheetRows: sheetRows)
  }

  // MARK: - Cells

  /// The cell at a row and column, if it has a value.
  func cellAt(_ row: Int, _ column: Int) -> Int? {
    guard column < part.columns.count else { return nil }
    let c = part.columns[column]
    let i = c.first(atOrAfter: row)
    return i < c.count && Int(c.rows[i]) == row ? i : nil
  }

  func text(_ column: RawColumn, _ i: Int) -> String {
    let v = Int(column.values[i])
    switch column.kinds[i] {
    case .shared: return v < strings.count ? strings[v] : ""
    default: return part.texts[v]
    }
  }

  /// A header cell: text, or a whole number that is a year (`2015`).
  func isLabel(_ cell: Cell) -> Bool {
    let column = part.columns[cell.column]
    switch column.kinds[cell.index] {
    case .shared, .text: return true
    case .number:
      let x = column.values[cell.index]
      return x == x.rounded() && (1800...2200).contains(x)
    default: return false
    }
  }

  /// A cell as iq writes it in csv: `12`, `0.5`, `2015-04-01`, `true`.
  func display(_ column: RawColumn, _ i: Int) -> String {
    let x = column.values[i]
    switch column.kinds[i] {
    case .shared, .text, .error: return text(column, i)
    case .number, .money: return shortestText(x)
    case .bool: return x != 0 ? "true" : "false"
    case .date:
      let (days, seconds) = date(x)
      guard seconds != 0 else { return Date.iso(days) }
      return Date.iso(days) + String(format: " %02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }
  }

  /// A serial number as a day and the seconds into it: day 0 is 1899-12-30
  /// (1900 system, whose serial 60 is the 29 February 1900 Lotus invented)
  /// or 1904-01-01.
  func date(_ serial: Double) -> (days: Int32, seconds: Int) {
    var day = serial.rounded(.down)
    var seconds = Int(((serial - day) * 86400).rounded())
    if seconds >= 86400 {
      day += 1
      seconds -= 86400
    }
    let offset: Double = date1904 ? 24107 : day < 61 ? 25568 : 25569
    let days = max(-1_000_000, min(3_000_000, day - offset))
    return (Int32(days), seconds)
  }

  /// The first text of a note row, for the warning.
  func noteText(_ row: Int) -> String {
    for (c, column) in part.columns.enumerated() {
      if let i = cellAt(row, c) {
        let s = display(column, i)
        return s.count > 60 ? String(s.prefix(57)) + "…" : s
      }
    }
    return ""
  }

  // MARK: - Columns

  struct Built {
    var column: Column
    var errors = 0
    var firstError: (String, String)?
  }

  /// One column's cells as a typed column: its cells' own types where they
  /// agree (ints where all are whole, money where all are £ and whole
  /// pence, dates where all are at midnight), else text; or the type
  /// `types` gives it.
  func build(
    _ column: RawColumn, letter: String, name: String, from dataStart: Int, rows rowOf: [Int32], count n: Int,
    skip: Bool
  ) throws -> Built {
    // The cells in the table's rows: (row of the table, index in the column).
    var present: [(row: Int, index: Int)] = []
    var built = Built(column: Column(.null(n)))
    var i = column.first(atOrAfter: dataStart)
    var sawNumber = false, sawMoney = false, sawDate = false, sawText = false, sawBool = false
    var whole = true, pence = true, midnight = true, allShared = true
    while i < column.count {
      let r = Int(column.rows[i]) - dataStart
      guard r < rowOf.count else { break }
      defer { i += 1 }
      let row = Int(rowOf[r])
      if row < 0 { continue }
      let x = column.values[i]
      switch column.kinds[i] {
      case .number:
        sawNumber = true
        if whole && !(x == x.rounded() && abs(x) < 9e15) { whole = false }
        allShared = false
      case .money:
        sawMoney = true
        let p = x * 100
        if pence && !(abs(p - p.rounded()) < 1e-6 && abs(p) < 9e15) { pence = false }
        allShared = false
      case .date:
        sawDate = true
        if midnight && date(x).seconds != 0 { midnight = false }
        allShared = false
      case .shared:
        if nullShared[Int(x)] { continue }
        sawText = true
      case .text:
        if isNull(text(column, i)) { continue }
        sawText = true
        allShared = false
      case .bool:
        sawBool = true
        allShared = false
      case .error:
        built.errors += 1
        if built.firstError == nil { built.firstError = ("\(letter)\(column.rows[i] + 1)", text(column, i)) }
        continue
      }
      present.append((row, i))
    }
    if skip { return built }
    if let given = options.types[name] {
      built.column = try convert(column, present, to: given, letter: letter, name: name, count: n)
      return built
    }
    let kinds = [sawNumber || sawMoney, sawDate, sawText, sawBool].filter { $0 }.count
    var valid = [Bool](repeating: false, count: n)
    for p in present { valid[p.row] = true }
    if present.isEmpty { return built }
    if kinds == 1 && sawBool {
      var a = [Bool](repeating: false, count: n)
      for p in present { a[p.row] = column.values[p.index] != 0 }
      built.column = Column(.bool(a), valid: valid)
    } else if kinds == 1 && sawDate && midnight {
      var a = [Int32](repeating: 0, count: n)
      for p in present { a[p.row] = date(column.values[p.index]).days }
      built.column = Column(.date(a), valid: valid)
    } else if kinds == 1 && sawMoney && !sawNumber && pence {
      var a = [Int64](repeating: 0, count: n)
      for p in present { a[p.row] = Int64((column.values[p.index] * 100).rounded()) }
      built.column = Column(.money(a), valid: valid)
    } else if kinds == 1 && (sawNumber || sawMoney) {
      if whole && !sawMoney {
        var a = [Int64](repeating: 0, count: n)
        for p in present { a[p.row] = Int64(column.values[p.index]) }
        built.column = Column(.int(a), valid: valid)
      } else {
        var a = [Double](repeating: 0, count: n)
        for p in present { a[p.row] = column.values[p.index] }
        built.column = Column(.number(a), valid: valid)
      }
    } else if allShared {
      // Shared strings as codes: each different string once.
      var codes = [UInt32](repeating: 0, count: n)
      var dictionary = [""]
      var codeOf = [UInt32](repeating: 0, count: strings.count)
      for p in present {
        let s = Int(column.values[p.index])
        if codeOf[s] == 0 {
          codeOf[s] = UInt32(dictionary.count)
          dictionary.append(strings[s])
        }
        codes[p.row] = codeOf[s]
      }
      built.column = Column(.coded(codes, dictionary: dictionary), valid: valid)
    } else {
      var a = [String](repeating: "", count: n)
      for p in present { a[p.row] = display(column, p.index) }
      built.column = Column(.text(a), valid: valid)
    }
    return built
  }

  /// Blank, a marker of missing (`n/a`, `*`, `[c]`), or a word `nulls` adds.
  func isNull(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { b in
      let r = CellText.trimmed(b)
      if CellText.isNull(b, r) { return true }
      return !options.nulls.isEmpty && nulls.contains(String(decoding: b[r], as: UTF8.self))
    }
  }

  /// A column as the type `types` gives it: each cell converted by the
  /// rules `number`, `money`, `date` read text with; one that can't be is
  /// an error naming its cell.
  func convert(
    _ column: RawColumn, _ present: [(row: Int, index: Int)], to type: DataType, letter: String, name: String,
    count n: Int
  ) throws -> Column {
    var values = [Value](repeating: .null, count: n)
    for p in present {
      let i = p.index
      let x = column.values[i]
      let kind = column.kinds[i]
      let isText = kind == .shared || kind == .text
      let s = isText ? text(column, i).trimmingCharacters(in: .whitespaces) : ""
      var v: Value?
      switch type {
      case .text: v = .text(display(column, i))
      case .int:
        if isText {
          v = CellText.number(s)?.int.map(Value.int)
        } else if kind != .bool, kind != .date, x == x.rounded(),
          abs(x) < 9e15
        {
          v = .int(Int64(x))
        }
      case .number:
        if isText { v = CellText.number(s).map { .number($0.value) } } else if kind != .bool { v = .number(x) }
      case .money:
        if isText {
          v = CellText.number(s).map { .money($0.pence ?? Int64(($0.value * 100).rounded())) }
        } else if kind != .bool, kind != .date, abs(x) < 9e13 {
          v = .money(Int64((x * 100).rounded()))
        }
      case .date:
        if isText {
          v = CellText.date(s).map(Value.date)
        } else if kind != .bool, kind != .money {
          v = .date(date(x).days)
        }
      case .bool:
        if isText { v = CellText.bool(s).map(Value.bool) } else if kind == .bool { v = .bool(x != 0) }
      case .null: v = .null
      }
      guard let v else {
        throw Diagnostic(
          "types says \(name) is \(article(type)), but cell \(letter)\(column.rows[i] + 1) of \(place) holds \"\(display(column, i))\"",
          at: nil,
          help: [.int, .number, .money, .date].contains(type)
            ? "read it as text (types = (\(name): text)) and convert with try_\(type == .int ? "number" : type.rawValue)(\(name))"
            : "leave \(name) out of types to read it as it is")
      }
      values[p.row] = v
    }
    var b = ColumnBuilder(type: type, capacity: n)
    for v in values { b.append(v) }
    return b.finish()
  }
}
