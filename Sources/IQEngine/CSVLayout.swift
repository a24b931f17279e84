import Foundation
import IQCore

extension CSVReader {
  /// Where a file's table is: its delimiter, its header's names and where
  /// its first data record starts. Found from a bounded prefix of the file
  /// (at most `sampleBytes`, `sampleRows` records), so finding it costs
  /// the same for a file of any length.
  struct Layout {
    var delimiter: UInt8
    var names: [String]
    /// Columns whose header cell is empty (named `column_N`).
    var unnamed: Set<Int>
    var dataStart: Int
    /// Where the header (or with none, the first record) starts.
    var headerStart: Int

    static let sampleBytes = 256 << 10
    static let sampleRows = 200

    /// The delimiter: the one given, tab for `.tsv`, else the one of `,`
    /// `;` tab `|` that splits most of the first lines into the same number
    /// of fields. Then `skip` lines or the title rows above the header (one
    /// filled cell each), and the header: the first row of labels about as
    /// wide as the table, three quarters of its widest row at least (rows
    /// narrower than it above it are the export's own notes, `Period:,April
    /// 2015`).
    static func find(
      _ p: UnsafeBufferPointer<UInt8>, options: ReadOptions, tab: Bool, name: String,
      source: @escaping () -> SourceFile
    ) throws -> Layout {
      var start = 0
      if let skip = options.skip {
        var lines = 0
        while lines < skip && start < p.count {
          guard let lf = memchr(p.baseAddress! + start, 10, p.count - start) else {
            start = p.count
            break
          }
          start = p.baseAddress!.distance(to: lf.assumingMemoryBound(to: UInt8.self)) + 1
          lines += 1
        }
      }
      let sample = sampleRange(p, from: start)
      let delimiter = options.delimiter ?? (tab ? 9 : detectDelimiter(p, sample, name: name))
      let rows = sampleRows(p, sample, delimiter: delimiter, name: name)
      guard !rows.isEmpty else {
        if let skip = options.skip, skip > 0 {
          throw Diagnostic(
            "\(name) has nothing after its first \(skip) line\(skip == 1 ? "" : "s")", at: nil,
            help: "skip counts lines above the header, blank ones included")
        }
        throw Diagnostic("\(name) is empty: a CSV file needs a header line", at: nil)
      }
      let header = options.header ?? 1
      let widest = rows.map(\.filled).max() ?? 0
      var first = 0
      if options.skip == nil && widest >= 2 && header != 2 {
        while first < rows.count && rows[first].filled <= 1 { first += 1 }
      }
      if header == 0 {
        let n = rows[first].fields.count
        return Layout(
          delimiter: delimiter, names: (1...max(1, n)).map { "column\($0)" }, unnamed: [],
          dataStart: rows[first].start, headerStart: rows[first].start)
      }
      var at = first
      if header == 1 && options.skip == nil {
        let need = max(2, widest - widest / 4)
        let labels = rows[first...].prefix(20).first { row in
          row.filled >= need && row.fields.allSatisfy { isLabel(p, $0) }
        }
        if let labels {
          at = rows[first...].firstIndex { $0.filled >= labels.filled }!
        }
      }
      var cells = rows[at].cells(p)
      var dataStart = rows[at].next
      if header == 2 && at + 1 < rows.count {
        let below = rows[at + 1].cells(p)
        cells = (0..<max(cells.count, below.count)).map { i in
          [i < cells.count ? cells[i] : "", i < below.count ? below[i] : ""].filter { !$0.isEmpty }
            .joined(separator: " ")
        }
        dataStart = rows[at + 1].next
      }
      let (names, unnamed) = uniqueColumnNames(cells) { "column_\($0 + 1)" }
      return Layout(
        delimiter: delimiter, names: names, unnamed: unnamed, dataStart: dataStart, headerStart: rows[at].start)
    }

    /// A header cell: empty, or text that is not a value (a year, as in
    /// `area,2015,2016`, is a label too).
    static func isLabel(_ p: UnsafeBufferPointer<UInt8>, _ field: SampleRow.Field) -> Bool {
      guard !field.escaped else {
        return CSVReader.unescape(p, field.start, field.end).withUnsafeBufferPointer {
          isLabel(UnsafeBufferPointer(rebasing: $0[...]))
        }
      }
      return isLabel(UnsafeBufferPointer(rebasing: p[field.start..<field.end]))
    }

    static func isLabel(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
      let r = CellText.trimmed(cell)
      if r.isEmpty { return true }
      if let n = CellText.number(cell) {
        guard let y = n.int, !n.pound, !n.percent, (1800...2200).contains(y) else { return n.leadingZero }
        return true
      }
      return CellText.date(cell) == nil && CellText.bool(cell) == nil
    }

    /// The first `sampleBytes` from `start`, cut after the last whole line.
    static func sampleRange(_ p: UnsafeBufferPointer<UInt8>, from start: Int) -> Range<Int> {
      let end = min(p.count, start + sampleBytes)
      guard end < p.count else { return start..<end }
      var cut = end
      while cut > start && p[cut - 1] != 10 { cut -= 1 }
      return start..<(cut > start ? cut : end)
    }

    /// The candidate that splits most sample lines into one same number
    /// (more than one) of fields; a comma when none splits any.
    static func detectDelimiter(_ p: UnsafeBufferPointer<UInt8>, _ sample: Range<Int>, name: String) -> UInt8 {
      struct Counts: CSVVisitor {
        struct Enough: Error {}
        var counts: [Int: Int] = [:]
        var records = 0
        mutating func field(_ column: Int, _ s: Int, _ e: Int, cell: Int, escaped: Bool) {}
        mutating func record(fields: Int, end: Int) throws {
          if fields > 1 { counts[fields, default: 0] += 1 }
          records += 1
          if records >= Layout.sampleRows { throw Enough() }
        }
      }
      var best: (lines: Int, delimiter: UInt8) = (0, 44)
      for d: UInt8 in [44, 59, 9, 124] {
        var v = Counts()
        // Messages from here are not shown, so they need no text.
        try? CSVScanner(bytes: p, delimiter: d, source: { SourceFile(name: name, text: "") }).scan(
          from: sample.lowerBound, to: sample.upperBound, &v)
        let lines = v.counts.values.max() ?? 0
        if lines > best.lines { best = (lines, d) }
      }
      return best.delimiter
    }

    /// A record of the sample: where each field is, how many are filled,
    /// where it starts and where the next begins.
    struct SampleRow {
      struct Field {
        var start: Int, end: Int, escaped: Bool
      }
      var fields: [Field]
      var filled: Int
      var start: Int
      var next: Int

      /// Its cells as text, trimmed.
      func cells(_ p: UnsafeBufferPointer<UInt8>) -> [String] {
        fields.map { f in
          let bytes = f.escaped ? CSVReader.unescape(p, f.start, f.end) : Array(p[f.start..<f.end])
          return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
      }
    }

    /// The sample's first `sampleRows` records; an error stops them early
    /// (reading the file reports it, with its place).
    static func sampleRows(_ p: UnsafeBufferPointer<UInt8>, _ sample: Range<Int>, delimiter: UInt8, name: String)
      -> [SampleRow]
    {
      struct Rows: CSVVisitor {
        struct Enough: Error {}
        let p: UnsafeBufferPointer<UInt8>
        var rows: [SampleRow] = []
        var fields: [SampleRow.Field] = []
        var filled = 0
        var start = 0

        mutating func field(_ column: Int, _ s: Int, _ e: Int, cell: Int, escaped: Bool) {
          if column == 0 {
            start = cell
            fields = []
            filled = 0
          }
          fields.append(SampleRow.Field(start: s, end: e, escaped: escaped))
          if !CellText.trimmed(UnsafeBufferPointer(rebasing: p[s..<e])).isEmpty { filled += 1 }
        }

        mutating func record(fields count: Int, end: Int) throws {
          var next = end
          if next < p.count && p[next] == 13 { next += 1 }
          if next < p.count && p[next] == 10 { next += 1 }
          rows.append(SampleRow(fields: fields, filled: filled, start: start, next: next))
          if rows.count >= Layout.sampleRows { throw Enough() }
        }
      }
      var v = Rows(p: p)
      // Messages from here are not shown, so they need no text.
      let scanner = CSVScanner(bytes: p, delimiter: delimiter, source: { SourceFile(name: name, text: "") })
      try? scanner.scan(from: sample.lowerBound, to: sample.upperBound, &v)
      return v.rows
    }
  }
}

/// What kind of file a path or its first bytes say it is: delimited text,
/// or something iq refuses by name rather than reading as CSV.
enum FileKind {
  /// Extensions of delimited text (workbooks, `.xlsx` and `.xlsm`, go to
  /// the workbook reader before this is asked).
  static let text: Set<String> = ["csv", "tsv", "txt"]

  /// Refuses a path whose extension is not delimited text, naming what it is.
  static func refuseUnlessText(_ path: String) throws {
    let ext = (path as NSString).pathExtension.lowercased()
    if text.contains(ext) { return }
    let save = "save it from the program that made it as CSV UTF-8"
    switch ext {
    case "xls":
      throw Diagnostic(
        "\(path) is an Excel 97–2003 workbook (.xls), which iq doesn't read", at: nil,
        help: "in Excel: File › Save As › Excel Workbook (.xlsx), then from \"…xlsx\"")
    case "":
      throw Diagnostic(
        "can't tell what kind of file \(path) is: it has no extension", at: nil,
        help: "iq reads .csv, .tsv and .txt files and .xlsx workbooks; if it is delimited text, name it .csv")
    default:
      let kind = described[ext].map { ": \($0)" } ?? ""
      throw Diagnostic(
        "\(path) is not delimited text (.\(ext)\(kind))", at: nil,
        help: "iq reads .csv, .tsv and .txt files and .xlsx workbooks; \(save)")
    }
  }

  static let described = [
    "parquet": "Parquet", "json": "JSON", "jsonl": "JSON lines", "ndjson": "JSON lines", "xml": "XML",
    "ods": "OpenDocument spreadsheet", "pdf": "PDF", "zip": "zip", "gz": "gzip", "docx": "Word", "sav": "SPSS",
    "dta": "Stata", "rds": "R", "sqlite": "SQLite", "db": "database", "feather": "Feather", "arrow": "Arrow",
  ]

  /// Refuses bytes that begin as a known binary format does, without
  /// showing any of them.
  static func refuseBinary(_ p: UnsafeBufferPointer<UInt8>, name: String) throws {
    func starts(_ magic: [UInt8]) -> Bool { p.count >= magic.count && p.starts(with: magic) }
    let what: String?
    if starts([0x50, 0x4B, 0x03, 0x04]) {
      what = "a zip archive (an Excel .xlsx workbook has this form)"
    } else if starts([0xD0, 0xCF, 0x11, 0xE0]) {
      what = "an Excel 97–2003 workbook or another Office file"
    } else if starts(Array("PAR1".utf8)) {
      what = "a Parquet file"
    } else if starts(Array("%PDF".utf8)) {
      what = "a PDF"
    } else if starts([0x1F, 0x8B]) {
      what = "gzip-compressed"
    } else if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]) {
      what = "UTF-16 text (Excel's \"Unicode Text\")"
    } else {
      what = nil
    }
    if let what {
      throw Diagnostic(
        "\(name) is \(what), not delimited text", at: nil,
        help: starts([0x50, 0x4B, 0x03, 0x04])
          ? "if it is an Excel workbook, name it .xlsx; iq reads workbooks too"
          : "in Excel: File › Save As › CSV UTF-8 (Comma delimited)")
    }
  }
}
