import Foundation
import XCTest

@testable import IQCore
@testable import IQWorkbook

/// The workbook reader's and writer's pieces: cell references, number
/// formats, serial dates, OOXML's `_xHHHH_` escapes; and tables saved and
/// read back (the goldens in `Golden/workbooks` read other programs' files).
final class WorkbookTests: XCTestCase {
  func testCellReferences() {
    XCTAssertEqual(CellRange.reference(Array("B12".utf8))?.row, 11)
    XCTAssertEqual(CellRange.reference(Array("B12".utf8))?.column, 1)
    XCTAssertEqual(CellRange.reference(Array("$AA$3".utf8))?.column, 26)
    XCTAssertEqual(CellRange.reference(Array("XFD1048576".utf8))?.column, 16_383)
    XCTAssertNil(CellRange.reference(Array("XFE1".utf8)), "past Excel's last column")
    XCTAssertNil(CellRange.reference(Array("A1048577".utf8)), "past Excel's last row")
    XCTAssertNil(CellRange.reference(Array("A0".utf8)))
    XCTAssertNil(CellRange.reference(Array("1A".utf8)))
    XCTAssertEqual(CellRange("A3:K200"), CellRange(top: 2, left: 0, bottom: 199, right: 10))
    XCTAssertEqual(CellRange("k200:a3"), CellRange(top: 2, left: 0, bottom: 199, right: 10), "either corner first")
    XCTAssertEqual(CellRange("C:E")?.bottom, CellRange.maxRows - 1)
    XCTAssertNil(CellRange("A3:K"))
    XCTAssertEqual((0..<30).map(CellRange.letters).suffix(5), ["Z", "AA", "AB", "AC", "AD"])
    XCTAssertEqual(CellRange.letters(16_383), "XFD")
  }

  func testNumberFormatKinds() {
    XCTAssertEqual(StylesPart.kind(of: "\"£\"#,##0.00"), .money)
    XCTAssertEqual(StylesPart.kind(of: "[$£-809]#,##0.00;[Red]-[$£-809]#,##0.00"), .money)
    XCTAssertEqual(StylesPart.kind(of: "_-[$£-809]* #,##0.00_-;-[$£-809]* #,##0.00_-"), .money)
    XCTAssertEqual(StylesPart.kind(of: "dd/mm/yyyy"), .date)
    XCTAssertEqual(StylesPart.kind(of: "mmm-yy"), .date)
    XCTAssertEqual(StylesPart.kind(of: "[$-809]d mmmm yyyy;@"), .date)
    XCTAssertEqual(StylesPart.kind(of: "h:mm"), .plain, "a time alone is a number")
    XCTAssertEqual(StylesPart.kind(of: "[h]:mm:ss"), .plain)
    XCTAssertEqual(StylesPart.kind(of: "0.0%"), .plain)
    XCTAssertEqual(StylesPart.kind(of: "#,##0"), .plain)
    XCTAssertTrue(StylesPart.builtInDates.contains(14))
    XCTAssertFalse(StylesPart.builtInDates.contains(20), "h:mm")
  }

  func testEscapesReadAndWritten() {
    XCTAssertEqual(TextBuffer.unescape("a_x000D_b"), "a\rb")
    XCTAssertEqual(TextBuffer.unescape("_x005F_x000D_"), "_x000D_")
    XCTAssertEqual(TextBuffer.unescape("_xZZZZ_ stays"), "_xZZZZ_ stays")
    XCTAssertEqual(TextBuffer.unescape("ends _x"), "ends _x")
    for s in [
      "plain", "a & <b> \"c\"", "tab\tline\nend", "cr\r", "bell\u{7}", "_x000D_ literal", "£ é 雪 🙂",
      "not XML: \u{FFFE}\u{FFFF}",
    ] {
      var x = XMLBytes()
      x.text(s)
      let written = String(decoding: x.bytes, as: UTF8.self)
      let unentitied = written.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
      XCTAssertEqual(TextBuffer.unescape(unentitied), s, "\(s.debugDescription) written as \(written.debugDescription)")
      XCTAssertFalse(written.unicodeScalars.contains { $0.value < 32 && $0 != "\t" && $0 != "\n" }, written)
    }
  }

  func testPlainDecimals() {
    XCTAssertEqual(SheetPart.plainDecimal(Array("-12".utf8)), -12)
    XCTAssertEqual(SheetPart.plainDecimal(Array("3.25".utf8)), 3.25)
    XCTAssertEqual(SheetPart.plainDecimal(Array("0.1".utf8)), 0.1)
    XCTAssertEqual(SheetPart.plainDecimal(Array("123456789012345".utf8)), 123_456_789_012_345)
    XCTAssertNil(SheetPart.plainDecimal(Array("1234567890123456".utf8)), "16 digits: left to strtod")
    XCTAssertNil(SheetPart.plainDecimal(Array("1.5E-3".utf8)))
    XCTAssertNil(SheetPart.plainDecimal(Array("1.2.3".utf8)))
    XCTAssertNil(SheetPart.plainDecimal(Array("-".utf8)))
  }

  /// A temporary folder, removed after the test.
  func folder() throws -> String {
    let dir = NSTemporaryDirectory() + "iq-workbook-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
  }

  func testEveryTypeSavedReadsBack() throws {
    let dir = try folder()
    let t = Table(
      fields: [
        Field("text", .text), Field("code", .text), Field("int", .int), Field("number", .number),
        Field("money", .money), Field("date", .date), Field("bool", .bool),
      ],
      columns: [
        Column(.text(["North", " padded ", "a & <b>"]), valid: [true, true, false]),
        Column(.coded([1, 2, 1], dictionary: ["", "E06000001", "00123"])),
        Column(.int([1, -2, Int64(1) << 52])),
        Column(.number([0.1, -1e-7, 12345.678]), valid: [true, false, true]),
        Column(.money([123_456, -5, 0])),
        Column(.date([16526, 0, -25508])),
        Column(.bool([true, false, true])),
      ])
    let path = dir + "/t.xlsx"
    try WorkbookWriter.write(t, sheet: nil, existing: nil, name: "t.xlsx", to: path, cancellation: Cancellation())
    let back = try WorkbookReader.read(file: path, name: "t.xlsx", options: ReadOptions(), cancellation: Cancellation())
    XCTAssertEqual(back.table.fields, t.fields)
    for c in t.columns.indices {
      for r in 0..<t.rowCount {
        XCTAssertEqual(back.table.columns[c][r], t.columns[c][r], "\(t.fields[c].name) row \(r)")
      }
    }
    XCTAssertEqual(back.sheet, "Sheet1")
  }

  func testAddedSheetKeepsTheOthersAndReplacesByName() throws {
    let dir = try folder()
    let path = dir + "/book.xlsx"
    func table(_ n: Int64) -> Table { Table(fields: [Field("n", .int)], columns: [Column(.int([n]))]) }
    func save(_ n: Int64, _ sheet: String?) throws {
      let temp = dir + "/temp.xlsx"
      try WorkbookWriter.write(
        table(n), sheet: sheet, existing: FileManager.default.fileExists(atPath: path) ? path : nil, name: "book.xlsx",
        to: temp, cancellation: Cancellation())
      XCTAssertEqual(rename(temp, path), 0)
    }
    func read(_ sheet: String) throws -> Value {
      try WorkbookReader.read(
        file: path, name: "book.xlsx",
        options: {
          var o = ReadOptions()
          o.sheet = .name(sheet)
          return o
        }(),
        cancellation: Cancellation()
      ).table.columns[0][0]
    }
    try save(1, "First")
    try save(2, "Second")
    try save(3, "third")
    try save(4, "FIRST")
    XCTAssertEqual(
      try WorkbookReader.sheets(file: path, name: "book.xlsx", cancellation: Cancellation()).map(\.name),
      ["First", "Second", "third"])
    XCTAssertEqual(try read("First"), .int(4))
    XCTAssertEqual(try read("Second"), .int(2))
    XCTAssertEqual(try read("third"), .int(3))
    // Without a sheet, a new workbook replaces the old.
    try save(5, nil)
    XCTAssertEqual(
      try WorkbookReader.sheets(file: path, name: "book.xlsx", cancellation: Cancellation()).map(\.name), ["Sheet1"])
  }

  /// A sheet over a megabyte zipped inflates on a second thread: it reads
  /// whole, and a part damaged in the middle is an error, not a hang.
  func testBigSheetInflatedAlongside() throws {
    let dir = try folder()
    var g = SystemRandomNumberGenerator()
    let n = 120_000
    let t = Table(
      fields: [Field("a", .int), Field("b", .number)],
      columns: [
        Column(.int((0..<n).map { _ in Int64.random(in: 0..<1_000_000_000, using: &g) })),
        Column(.number((0..<n).map { _ in Double.random(in: 0..<1, using: &g) })),
      ])
    let path = dir + "/big.xlsx"
    try WorkbookWriter.write(t, sheet: nil, existing: nil, name: "big.xlsx", to: path, cancellation: Cancellation())
    let zipped = try XCTUnwrap(
      Book(file: path, name: "big.xlsx", cancellation: Cancellation()).archive.entry("xl/worksheets/sheet1.xml"))
    XCTAssertGreaterThan(zipped.compressedSize, UInt64(WorkbookArchive.pipelineFrom))
    let back = try WorkbookReader.read(
      file: path, name: "big.xlsx", options: ReadOptions(), cancellation: Cancellation())
    XCTAssertEqual(back.table.rowCount, n)
    XCTAssertEqual(back.table.columns[0][n - 1], t.columns[0][n - 1])
    XCTAssertEqual(back.table.columns[1][n / 2], t.columns[1][n / 2])
    // Bytes in the middle of the file overwritten: the sheet's deflate stream is damaged.
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    for i in (bytes.count / 2)..<(bytes.count / 2 + 4096) { bytes[i] = UInt8(truncatingIfNeeded: i &* 7) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(
      try WorkbookReader.read(file: path, name: "big.xlsx", options: ReadOptions(), cancellation: Cancellation())
    ) { e in
      // Which damage shows first (bad XML, a bad number, a bad checksum) depends on the random bytes.
      let message = (e as? Diagnostic)?.message ?? ""
      XCTAssertTrue(message.hasPrefix("big.xlsx") && message.contains("is damaged"), "\(e)")
    }
  }

  func testLimitsExcelWouldRepair() {
    let long = Table(fields: [Field("t", .text)], columns: [Column(.text([String(repeating: "x", count: 32_768)]))])
    XCTAssertThrowsError(try SheetWriter.check(long, name: "t.xlsx")) { e in
      XCTAssertTrue((e as? Diagnostic)?.message.contains("32,767") == true, "\(e)")
    }
    let wide = Table(
      fields: (0...16_384).map { Field("c\($0)", .int) }, columns: (0...16_384).map { _ in Column(.int([1])) })
    XCTAssertThrowsError(try SheetWriter.check(wide, name: "t.xlsx"))
  }
}
