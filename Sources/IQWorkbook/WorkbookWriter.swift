import Foundation
import IQCore
import ZIPFoundation

/// Writes a table as a workbook (LANGUAGE.md §10, Writing): a new one with
/// one sheet, or a copy of an existing one with that sheet added or
/// replaced and every other part kept as it was.
public enum WorkbookWriter {
  /// Writes `t` to `temp` (which must not exist; the session renames it
  /// over the target). With `sheet` and an `existing` workbook, that
  /// workbook is copied with the sheet added or replaced; else a new
  /// workbook with one sheet (`Sheet1` unless named). `name` is the target
  /// as the user wrote it, for messages.
  public static func write(
    _ t: Table, sheet: String?, existing: String?, name: String, to temp: String, cancellation: Cancellation
  ) throws {
    try SheetWriter.check(t, name: name)
    let out: Archive
    do {
      out = try Archive(url: URL(fileURLWithPath: temp), accessMode: .create)
    } catch {
      throw Diagnostic("can't save to '\(name)': can't create the file", at: nil)
    }
    if let existing, let sheet {
      try update(existing, out: out, table: t, sheet: sheet, name: name, cancellation: cancellation)
    } else {
      try create(out, table: t, sheet: sheet ?? "Sheet1", cancellation: cancellation)
    }
  }

  static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
  static let worksheetType = relationships + "/worksheet"
  static let worksheetContent = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
  static let stylesContent = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
  static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

  /// The number formats iq writes: money and dates.
  static let moneyCode = "£#,##0.00", dateCode = "dd/mm/yyyy"

  /// A new workbook of one sheet.
  static func create(_ out: Archive, table t: Table, sheet: String, cancellation: Cancellation) throws {
    let styles = SheetWriter.Styles(header: 1, money: 2, date: 3)
    try add(
      out, "[Content_Types].xml",
      header
        + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"\(worksheetContent)\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"\(stylesContent)\"/></Types>"
    )
    try add(
      out, "_rels/.rels",
      header
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"\(relationships)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
    )
    var name = XMLBytes()
    name.text(sheet)
    try add(
      out, "xl/workbook.xml",
      header
        + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\"><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets><sheet name=\"\(String(decoding: name.bytes, as: UTF8.self))\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
    )
    try add(
      out, "xl/_rels/workbook.xml.rels",
      header
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"\(worksheetType)\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"\(relationships)/styles\" Target=\"styles.xml\"/></Relationships>"
    )
    try add(out, "xl/styles.xml", header + newStyles)
    try add(
      out, "xl/worksheets/sheet1.xml",
      try SheetWriter.sheet(t, styles: styles, selected: true, cancellation: cancellation))
  }

  /// Formats, fonts and cell styles of a new workbook: 0 plain, 1 the
  /// header (bold), 2 money, 3 dates.
  static let newStyles =
    "<styleSheet xmlns=\"\(main)\"><numFmts count=\"2\">\(numberFormats(164))</numFmts><fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>\(boldFont)</fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills><borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"4\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\(cellStyles(font: 1, formats: 164))</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>"

  static let boldFont = "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"

  /// The money and date formats, numbered from `first`.
  static func numberFormats(_ first: Int) -> String {
    "<numFmt numFmtId=\"\(first)\" formatCode=\"\(moneyCode)\"/><numFmt numFmtId=\"\(first + 1)\" formatCode=\"\(dateCode)\"/>"
  }

  /// The header, money and date cell styles.
  static func cellStyles(font: Int, formats: Int) -> String {
    "<xf numFmtId=\"0\" fontId=\"\(font)\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/><xf numFmtId=\"\(formats)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/><xf numFmtId=\"\(formats + 1)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
  }

  static func add(_ out: Archive, _ path: String, _ text: String) throws {
    try add(out, path, Array(text.utf8))
  }

  static func add(_ out: Archive, _ path: String, _ bytes: [UInt8]) throws {
    try out.addEntry(
      with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate,
      bufferSize: 1 << 20
    ) { position, size in
      let start = Int(position)
      return bytes.withUnsafeBufferPointer { Data(buffer: UnsafeBufferPointer(rebasing: $0[start..<(start + size)])) }
    }
  }
}
