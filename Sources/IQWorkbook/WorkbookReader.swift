import Foundation
import IQCore

/// Reads a sheet of an `.xlsx` or `.xlsm` workbook as a table (LANGUAGE.md
/// §10): the header found past blank and title rows, merged header cells
/// naming every column they span, cells keeping their own types (numbers,
/// money and dates by their formats, booleans, text, formulas' cached
/// values), error cells read as null and counted, notes under the table
/// left out. Each part is streamed from the zip through libxml2's SAX
/// parser as it inflates: no part is ever held whole as XML.
public enum WorkbookReader {
  /// A workbook's sheet, as `.describe` lists them.
  public struct SheetInfo: Sendable {
    public var name: String
    public var hidden: Bool
    /// The used range the sheet declares (or that its cells fill).
    public var rows: Int, columns: Int
  }

  /// A sheet read, with what was found on the way (for `.describe`).
  public struct Read: Sendable {
    public var table: Table
    public var warnings: [Diagnostic]
    public var sheet: String
    /// Header rows, 1-based physical rows; empty with `header = 0`.
    public var headerRows: [Int]
    /// The first data row, 1-based.
    public var firstDataRow: Int
    /// Each column's letter in the sheet, and for each row of the table
    /// its row in the sheet (1-based).
    public var letters: [String]
    public var sheetRows: [Int32]
  }

  /// Extensions of workbooks iq reads.
  public static let extensions: Set<String> = ["xlsx", "xlsm"]

  /// Reads `file` (found on disk) that the user named `name`.
  public static func read(
    file: String, name: String, options: ReadOptions, columns wanted: Set<String>? = nil,
    cancellation: Cancellation
  ) throws -> Read {
    let book = try Book(file: file, name: name, cancellation: cancellation)
    let sheet = try book.sheet(options.sheet)
    let bounds = try options.range.map { text -> CellRange in
      guard let r = CellRange(text) else {
        throw Diagnostic(
          "range \"\(text)\" is not a cell range", at: nil, help: "write range = \"A3:K200\" (top left to bottom right)"
        )
      }
      return r
    }
    let styles = try book.styles()
    let strings = try book.sharedStrings()
    let blank = strings.map { s in s.utf8.allSatisfy { $0 == 32 || $0 == 9 } }
    let part = SheetPart(
      styles: styles, bounds: bounds, place: "\(name) (sheet \(sheet.name))", date1904: book.date1904,
      blankShared: blank)
    try book.archive.parse(sheet.part, part)
    part.finish()
    var layout = SheetLayout(
      part: part, strings: strings, options: options, bounds: bounds, date1904: book.date1904,
      place: "\(name) (sheet \(sheet.name))")
    return try layout.read(wanted: wanted, sheet: sheet.name)
  }

  /// The sheets of a workbook, with their sizes.
  public static func sheets(file: String, name: String, cancellation: Cancellation) throws -> [SheetInfo] {
    let book = try Book(file: file, name: name, cancellation: cancellation)
    // Counting cells needs to know how many shared strings there are, once.
    var blank: [Bool]?
    return try book.sheets.map { s in
      guard let part = book.parts[s.relationship] else {
        return SheetInfo(name: s.name, hidden: s.hidden, rows: 0, columns: 0)
      }
      // A big sheet's declared size, from the part's start; a small one's
      // (or one that declares none) counted, as producers' declarations
      // can be wrong (tablib's bad_dimensions.xlsx declares a million rows).
      let place = "\(name) (sheet \(s.name))"
      if let entry = book.archive.entry(part), entry.compressedSize > 4 << 20 {
        let head = SheetPart(styles: [], bounds: nil, place: place, date1904: false, sizeOnly: true)
        try book.archive.parse(part, head)
        if let d = head.dimension {
          return SheetInfo(name: s.name, hidden: s.hidden, rows: d.bottom + 1, columns: d.right + 1)
        }
      }
      if blank == nil { blank = try book.sharedStrings().map { _ in false } }
      let all = SheetPart(styles: [], bounds: nil, place: place, date1904: false, blankShared: blank ?? [])
      try book.archive.parse(part, all)
      return SheetInfo(name: s.name, hidden: s.hidden, rows: all.rowCount, columns: all.columns.count)
    }
  }

  /// Just the sheet names (Tab completion after `sheet = "`).
  public static func sheetNames(file: String) -> [String] {
    (try? Book(file: file, name: file, cancellation: Cancellation()).sheets.map(\.name)) ?? []
  }
}

/// A workbook opened: its sheets and where their parts are.
struct Book {
  let archive: WorkbookArchive
  let name: String
  let workbookPart: String
  let sheets: [WorkbookPart.Sheet]
  let sheetIDs: [Int]
  let date1904: Bool
  /// Relationship id → part, for the workbook's own links.
  let parts: [String: String]
  let links: [Relationships.Link]

  init(file: String, name: String, cancellation: Cancellation) throws {
    archive = try WorkbookArchive(file: file, name: name, cancellation: cancellation)
    self.name = name
    var main = "xl/workbook.xml"
    if archive.has("_rels/.rels") {
      let root = Relationships()
      try archive.parse("_rels/.rels", root)
      if let doc = root.links.first(where: { $0.type.hasSuffix("/officeDocument") }) {
        main = Relationships.resolve(doc.target, from: "")
      }
    }
    guard archive.has(main) else {
      if archive.has("content.xml") {
        throw Diagnostic(
          "\(name) is an OpenDocument spreadsheet named .xlsx", at: nil,
          help: "in LibreOffice: File › Save As › Excel 2007-365 (.xlsx)")
      }
      throw Diagnostic(
        "\(name) is a zip archive but not an Excel workbook: it has no \(main)", at: nil,
        help: "iq reads workbooks saved by Excel or LibreOffice as .xlsx")
    }
    workbookPart = main
    let workbook = WorkbookPart()
    try archive.parse(main, workbook)
    sheets = workbook.sheets
    sheetIDs = workbook.sheetIDs
    date1904 = workbook.date1904
    let rels = Relationships()
    let relsPart = Relationships.partFor(main)
    if archive.has(relsPart) { try archive.parse(relsPart, rels) }
    links = rels.links
    var parts: [String: String] = [:]
    for l in rels.links where !l.external { parts[l.id] = Relationships.resolve(l.target, from: main) }
    self.parts = parts
    guard !sheets.isEmpty else { throw Diagnostic("\(name) has no sheets", at: nil) }
  }

  /// The sheet `which` names; the first visible one when nil.
  func sheet(_ which: ReadOptions.Sheet?) throws -> (name: String, part: String) {
    let listed = sheets.map { "\"\($0.name)\"" }.joined(separator: ", ")
    let chosen: WorkbookPart.Sheet
    switch which {
    case nil:
      chosen = sheets.first { !$0.hidden } ?? sheets[0]
    case .number(let n):
      guard n <= sheets.count else {
        throw Diagnostic(
          "\(name) has \(sheets.count) sheet\(sheets.count == 1 ? "" : "s"), so there is no sheet \(n)", at: nil,
          help: "its sheets: \(listed)")
      }
      chosen = sheets[n - 1]
    case .name(let s):
      guard
        let found = sheets.first(where: { $0.name == s })
          ?? sheets.first(where: { $0.name.lowercased() == s.lowercased() })
      else {
        throw Diagnostic("\(name) has no sheet named \"\(s)\"", at: nil, help: "its sheets: \(listed)")
      }
      chosen = found
    }
    guard let part = parts[chosen.relationship], let link = links.first(where: { $0.id == chosen.relationship })
    else {
      throw Diagnostic(
        "\(name) is damaged: the sheet \"\(chosen.name)\" has no part", at: nil, help: WorkbookError.repairHelp)
    }
    guard link.type.hasSuffix("/worksheet") else {
      throw Diagnostic(
        "the sheet \"\(chosen.name)\" of \(name) is a chart or dialog, not cells", at: nil,
        help: "its sheets: \(listed)")
    }
    return (chosen.name, part)
  }

  func linked(_ suffix: String) -> String? {
    links.first { $0.type.hasSuffix(suffix) && !$0.external }.map {
      Relationships.resolve($0.target, from: workbookPart)
    }
  }

  func styles() throws -> [NumberKind] {
    guard let part = linked("/styles"), archive.has(part) else { return [] }
    let styles = StylesPart()
    try archive.parse(part, styles)
    return styles.kinds
  }

  /// The shared strings; none when the workbook has no such part.
  func sharedStrings() throws -> [String] {
    guard let part = linked("/sharedStrings"), archive.has(part) else { return [] }
    let strings = SharedStringsPart()
    try archive.parse(part, strings)
    return strings.strings
  }
}
