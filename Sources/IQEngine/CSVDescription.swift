import Foundation
import IQCore
import IQWorkbook

/// What `.describe "FILE"` shows: what the reader found in a file (its
/// delimiter, where its header is, notes left out) and each column's type;
/// for a column left as text although most of its values look like
/// numbers or dates, the first cell that kept it text.
public struct FileDescription {
  public struct ColumnInfo {
    public var name: String
    public var type: DataType
    /// Values that are not null.
    public var values: Int
    public var note: String
  }

  public var facts: [String]
  public var columns: [ColumnInfo]
}

extension CSVReader {
  public static func describe(_ file: FileSource, in directory: String?, cancellation: Cancellation) throws
    -> FileDescription
  {
    if WorkbookReader.extensions.contains((file.path as NSString).pathExtension.lowercased()) {
      return try describeWorkbook(file, in: directory, cancellation: cancellation)
    }
    let read = try CSVReader.read(path: file.path, in: directory, options: file.options, cancellation: cancellation)
    guard let data = FileManager.default.contents(atPath: filePath(file.path, in: directory)) else {
      throw Diagnostic("can't read \(file.path)", at: nil)
    }
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    let tab = (file.path as NSString).pathExtension.lowercased() == "tsv"
    return try bytes.withUnsafeBufferPointer { p in
      let layout = try Layout.find(
        p, options: file.options, tab: tab, name: file.path, source: { SourceFile(name: file.path, text: "") })
      let t = read.table
      let delimiter = Reading(delimiter: layout.delimiter).delimiterName
      let headerLine = 1 + lineBreaks(p, before: layout.headerStart)
      var facts = [
        "\(file.path): text, fields separated by \(delimiter)",
        layout.names.isEmpty || file.options.header == 0
          ? "no header: columns are named column1, column2, …"
          : "header: line \(headerLine)"
            + (headerLine > 1 ? " (the \(headerLine - 1) line\(headerLine == 2 ? "" : "s") above it skipped)" : ""),
        "rows: \(groupThousands(String(t.rowCount)))",
      ]
      facts += read.warnings.map(\.message)
      let columns = columnInfos(t) { _, row in
        "line \(groupThousands(String(lineOfRecord(p, from: layout.dataStart, delimiter: layout.delimiter, record: row))))"
      }
      return FileDescription(facts: facts, columns: columns)
    }
  }

  /// Each column's type and count of values, and for a text column why
  /// it is text; `place` names a column's row in the file (`line 5`, `cell B7`).
  static func columnInfos(_ t: Table, place: (Int, Int) -> String) -> [FileDescription.ColumnInfo] {
    t.fields.indices.map { c in
      let column = t.columns[c]
      let present = (0..<t.rowCount).filter { !column.isNull($0) }
      let note = t.fields[c].type == .text ? whyText(column, present) { place(c, $0) } : ""
      return FileDescription.ColumnInfo(
        name: t.fields[c].name, type: t.fields[c].type, values: present.count, note: note)
    }
  }

  /// What a text value looks like it is, if not text: `number`, `code`
  /// (a number with a leading zero), `money`, `percentage` or `date`.
  static func look(_ s: String) -> String? {
    if let n = CellText.number(s) {
      if n.leadingZero { return "code" }
      return n.pound ? "money" : n.percent ? "percentage" : "number"
    }
    return CellText.date(s) != nil ? "date" : nil
  }

  /// Why a column of text is text, when most of its values look like
  /// something else: the first that doesn't, by its line. Codes (numbers
  /// with a leading zero) count as numbers here: a column of numbers and
  /// codes is text because of its first code.
  static func whyText(_ column: Column, _ present: [Int], place: (Int) -> String) -> String {
    var counts: [String: Int] = [:]
    for r in present {
      if let k = look(column[r].asText) { counts[k == "code" ? "number" : k, default: 0] += 1 }
    }
    guard let (kind, n) = counts.max(by: { $0.value < $1.value }), n * 2 > present.count else { return "" }
    func where_(_ r: Int) -> String {
      "\(place(r)) has \(Value.text(column[r].asText).literalText)"
    }
    if n == present.count, let code = present.first(where: { look(column[$0].asText) == "code" }) {
      return "codes: \(where_(code)), a leading zero, so the column is kept as text"
    }
    guard let first = present.first(where: { look(column[$0].asText) != kind }) else { return "" }
    let why = look(column[first].asText) == "code" ? " (a leading zero: a code)" : ""
    let plural = ["money": "money", "percentage": "percentages", "date": "dates"][kind] ?? "numbers"
    return "most values are \(plural); \(where_(first))\(why)"
  }

  /// A workbook: its sheets and their sizes, the sheet read, where its
  /// header is, and each column's type (with the first cell that kept a
  /// mostly-numeric column text).
  static func describeWorkbook(_ file: FileSource, in directory: String?, cancellation: Cancellation) throws
    -> FileDescription
  {
    let path = filePath(file.path, in: directory)
    guard FileManager.default.fileExists(atPath: path) else { throw Diagnostic("no such file: \(file.path)", at: nil) }
    let sheets = try WorkbookReader.sheets(file: path, name: file.path, cancellation: cancellation)
    let read = try WorkbookReader.read(file: path, name: file.path, options: file.options, cancellation: cancellation)
    func size(_ s: WorkbookReader.SheetInfo) -> String {
      let rows = "\(groupThousands(String(s.rows))) row\(s.rows == 1 ? "" : "s")"
      let columns = "\(s.columns) column\(s.columns == 1 ? "" : "s")"
      return "\(s.name) (\(rows) × \(columns)\(s.hidden ? ", hidden" : ""))"
    }
    let t = read.table
    let header: String
    switch read.headerRows.count {
    case 0: header = "no header: columns are named by their letters"
    case 1: header = "header: row \(read.headerRows[0])"
    default: header = "header: rows \(read.headerRows[0])–\(read.headerRows[1]), joined"
    }
    let above = (read.headerRows.first ?? read.firstDataRow) - 1
    var facts = [
      "\(file.path): Excel workbook, \(sheets.count) sheet\(sheets.count == 1 ? "" : "s"): "
        + sheets.map(size).joined(separator: ", "),
      "sheet: \(read.sheet)",
      header + (above > 0 ? " (the \(above) row\(above == 1 ? "" : "s") above it skipped)" : ""),
      "rows: \(groupThousands(String(t.rowCount)))",
    ]
    facts += read.warnings.map(\.message)
    let columns = columnInfos(t) { c, row in "cell \(read.letters[c])\(read.sheetRows[row])" }
    return FileDescription(facts: facts, columns: columns)
  }

  /// The line a data record starts on, counting from `from`.
  static func lineOfRecord(_ p: UnsafeBufferPointer<UInt8>, from: Int, delimiter: UInt8, record: Int) -> Int {
    struct Find: CSVVisitor {
      struct Found: Error {}
      let target: Int
      var count = 0, start = 0, found: Int?
      mutating func field(_ column: Int, _ s: Int, _ e: Int, cell: Int, escaped: Bool) {
        if column == 0 { start = cell }
      }
      mutating func record(fields: Int, end: Int) throws {
        if count == target {
          found = start
          throw Found()
        }
        count += 1
      }
    }
    var v = Find(target: record)
    try? CSVScanner(bytes: p, delimiter: delimiter, source: { SourceFile(name: "", text: "") }).scan(
      from: from, to: p.count, &v)
    return 1 + lineBreaks(p, before: v.found ?? from)
  }
}
