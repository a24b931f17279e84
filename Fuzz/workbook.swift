import Foundation
import ZIPFoundation

// Fuzz target: workbook bytes. The first byte picks the options and how the
// rest is taken: as a whole .xlsx file (the zip container fuzzed), or as the
// XML of a sheet, its shared strings, styles and workbook part (split at NUL
// bytes) zipped into a well-formed container (the XML fuzzed). A sheet that
// reads is saved as a workbook and read back: the same columns, and the same
// rows where no row is all null (an all-null row is written as a blank row,
// which a reader skips).
let fuzzDirectory = NSTemporaryDirectory() + "iqfuzz-\(getpid())"

func fuzzWorkbook(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard size > 0 else { return 0 }
  try? FileManager.default.createDirectory(atPath: fuzzDirectory, withIntermediateDirectories: true)
  let control = data[0]
  let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
  let file = fuzzDirectory + "/in.xlsx"
  unlink(file)
  if control & 1 == 0 {
    FileManager.default.createFile(atPath: file, contents: Data(bytes))
  } else {
    guard zipParts(bytes, to: file) else { return 0 }
  }
  var options = ReadOptions()
  switch (control >> 1) & 3 {
  case 1: options.sheet = .number(Int(control >> 6) + 1)
  case 2: options.sheet = .name("Sheet1")
  default: break
  }
  if control & 8 != 0 { options.skip = Int(control >> 6) }
  switch (control >> 4) & 3 {
  case 1: options.header = 0
  case 2: options.header = 2
  case 3: options.range = "B2:D9"
  default: break
  }
  if control & 0x40 != 0 { options.nulls = ["n/k"] }
  if control & 0x80 != 0 { options.types = ["a": .money, "b": .date, "c": .number, "d": .int, "A": .text] }
  _ = try? WorkbookReader.sheets(file: file, name: "fuzz.xlsx", cancellation: Cancellation())
  guard
    let read = try? WorkbookReader.read(file: file, name: "fuzz.xlsx", options: options, cancellation: Cancellation())
  else { return 0 }
  let t = read.table
  for format in OutputFormat.allCases { _ = try? Output.render(t, as: format, cancellation: Cancellation()) }
  let out = fuzzDirectory + "/out.xlsx"
  unlink(out)
  guard (try? WorkbookWriter.write(t, sheet: nil, existing: nil, name: "out.xlsx", to: out, cancellation: Cancellation())) != nil
  else { return 0 }
  guard let back = try? WorkbookReader.read(file: out, name: "out.xlsx", options: ReadOptions(), cancellation: Cancellation())
  else {
    // A table iq wrote must read back, unless it has no column with a value or a name.
    if t.rowCount > 0 && t.columns.contains(where: { c in (0..<t.rowCount).contains { !c.isNull($0) } }) {
      fatalError("a workbook iq wrote does not read back")
    }
    return 0
  }
  let anyAllNull = (0..<t.rowCount).contains { r in t.columns.allSatisfy { $0.isNull(r) } }
  if !anyAllNull && !t.columns.isEmpty {
    guard back.table.rowCount == t.rowCount, back.table.fields.count == t.fields.count else {
      fatalError("read back \(back.table.rowCount)×\(back.table.fields.count), wrote \(t.rowCount)×\(t.fields.count)")
    }
  }
  return 0
}

/// The parts, split at NUL bytes, as the XML of a workbook's sheet, shared
/// strings, styles and workbook part (the missing ones plain), zipped.
func zipParts(_ bytes: [UInt8], to file: String) -> Bool {
  let pieces = bytes.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map { Data($0) }
  func piece(_ i: Int, _ otherwise: String) -> Data { i < pieces.count ? pieces[i] : Data(otherwise.utf8) }
  let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
  let parts: [(String, Data)] = [
    (
      "[Content_Types].xml",
      Data(
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"
          .utf8)
    ),
    (
      "_rels/.rels",
      Data(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"\(rel)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
          .utf8)
    ),
    (
      "xl/_rels/workbook.xml.rels",
      Data(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"\(rel)/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"\(rel)/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"\(rel)/styles\" Target=\"styles.xml\"/></Relationships>"
          .utf8)
    ),
    ("xl/worksheets/sheet1.xml", piece(0, "<worksheet xmlns=\"\(main)\"><sheetData/></worksheet>")),
    ("xl/sharedStrings.xml", piece(1, "<sst xmlns=\"\(main)\"/>")),
    ("xl/styles.xml", piece(2, "<styleSheet xmlns=\"\(main)\"/>")),
    (
      "xl/workbook.xml",
      piece(
        3,
        "<workbook xmlns=\"\(main)\" xmlns:r=\"\(rel)\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
      )
    ),
  ]
  guard let archive = try? Archive(url: URL(fileURLWithPath: file), accessMode: .create) else { return false }
  for (path, data) in parts {
    guard
      (try? archive.addEntry(
        with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
        provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })) != nil
    else { return false }
  }
  return true
}
