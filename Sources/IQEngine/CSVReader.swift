import Foundation
import IQCore
import IQPlan
import IQWorkbook

/// Reads delimited text as Excel and NHS systems export it (LANGUAGE.md
/// §6 and §10): RFC 4180 quoting, CRLF or LF, UTF-8 with or without a BOM;
/// the delimiter, title rows and header found from the first lines; blank
/// lines skipped and notes under the table dropped; values in every form an
/// export writes them, each column inferred one type. A malformed file is
/// refused whole, with its path, line and column: a query never sees half
/// a file.
public enum CSVReader {
  /// Reads a delimited text file; with `columns`, only those columns are
  /// built (the rest are still checked), which is all a query that names
  /// them needs. A relative `path` is found in `directory` (see
  /// `filePath`); messages name it as written. A Ctrl-C on `cancellation`
  /// stops it.
  public static func read(
    path: String, in directory: String? = nil, options: ReadOptions = ReadOptions(), columns wanted: Set<String>? = nil,
    cancellation: Cancellation
  ) throws -> FileRead {
    try read(
      path: path, in: directory, options: options, columns: wanted, mapAbove: mapThreshold, blockSize: blockSize,
      cancellation: cancellation)
  }

  /// `mapAbove` and `blockSize` are parameters for the tests.
  static func read(
    path: String, in directory: String? = nil, options: ReadOptions = ReadOptions(), columns wanted: Set<String>?,
    mapAbove: Int, blockSize: Int, cancellation: Cancellation
  ) throws -> FileRead {
    let file = filePath(path, in: directory)
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file, isDirectory: &isDir) else {
      throw Diagnostic("no such file: \(path)", at: nil)
    }
    guard !isDir.boolValue else { throw Diagnostic("\(path) is a folder, not a CSV file", at: nil) }
    let attributes = try? FileManager.default.attributesOfItem(atPath: file)
    if let kind = attributes?[.type] as? FileAttributeType, kind != .typeRegular {
      throw Diagnostic("\(path) is not a regular file; iq reads only regular files", at: nil)
    }
    if WorkbookReader.extensions.contains((path as NSString).pathExtension.lowercased()) {
      let read = try WorkbookReader.read(
        file: file, name: path, options: options, columns: wanted, cancellation: cancellation)
      return FileRead(table: read.table, warnings: read.warnings)
    }
    try FileKind.refuseUnlessText(path)
    let fd = open(file, O_RDONLY)
    guard fd >= 0 else { throw Diagnostic("can't read \(path): permission denied or unreadable", at: nil) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw Diagnostic("can't read \(path): \(String(cString: strerror(errno)))", at: nil)
    }
    let size = Int(info.st_size)
    let tab = (path as NSString).pathExtension.lowercased() == "tsv"
    // A large file is mapped rather than copied, and each block's pages
    // are given back once read, so the file never sits whole in memory.
    if size >= mapAbove, let mapped = MappedFile(fd, size: size) {
      return try withExtendedLifetime(mapped) {
        try parse(
          Input(p: mapped.bytes, release: mapped.release, blockSize: blockSize, cancellation: cancellation),
          name: path, options: options, tab: tab, columns: wanted)
      }
    }
    guard let bytes = readFile(fd, size: size) else {
      throw Diagnostic("can't read \(path): \(String(cString: strerror(errno)))", at: nil)
    }
    return try bytes.withUnsafeBufferPointer {
      try parse(
        Input(p: $0, blockSize: blockSize, cancellation: cancellation), name: path, options: options, tab: tab,
        columns: wanted)
    }
  }

  /// A file mapped into memory, unmapped when this goes; `release` gives
  /// back the pages of a range read, so the file never sits whole in memory.
  final class MappedFile {
    let bytes: UnsafeBufferPointer<UInt8>
    let release: (Range<Int>) -> Void

    init?(_ fd: Int32, size: Int) {
      guard size > 0, let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
      bytes = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size)
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      release = { r in
        let from = (r.lowerBound + page - 1) / page * page, to = r.upperBound / page * page
        if to > from { madvise(base + from, to - from, MADV_DONTNEED) }
      }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
  }

  /// Files this big are mapped into memory rather than read into it.
  static let mapThreshold = 32 << 20

  /// A regular file's bytes, read straight into the array.
  static func readFile(_ fd: Int32, size: Int) -> [UInt8]? {
    var failed = false
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      while count < size {
        let n = Glibc.read(fd, buffer.baseAddress! + count, size - count)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 {
          failed = n < 0
          break
        }
        count += n
      }
    }
    return failed ? nil : bytes
  }

  /// Parses delimited text; `name` is used in messages.
  public static func parse(
    _ bytes: [UInt8], name: String, options: ReadOptions = ReadOptions(), tab: Bool = false,
    columns wanted: Set<String>? = nil, cancellation: Cancellation
  ) throws -> FileRead {
    try bytes.withUnsafeBufferPointer {
      try parse(Input(p: $0, cancellation: cancellation), name: name, options: options, tab: tab, columns: wanted)
    }
  }

  static func parse(_ input: Input, name: String, options: ReadOptions, tab: Bool, columns wanted: Set<String>?)
    throws -> FileRead
  {
    let (input, layout, source) = try prepared(input, name: name, options: options, tab: tab)
    let p = input.p
    let read = try readColumns(input, from: layout.dataStart, names: layout.names, wanted: wanted, source: source)
    var kept = read.fields.indices.filter { read.columns[$0] != nil }
    // Columns at the right with no name and no value are the export's padding.
    while let last = kept.last, layout.unnamed.contains(last), read.kinds[last] == .null { kept.removeLast() }
    var warnings: [Diagnostic] = []
    if let notes = read.notes {
      warnings.append(noteWarning(notes, p, name: name, delimiter: layout.delimiter))
    }
    let table = Table(
      fields: kept.map { read.fields[$0] }, columns: kept.map { read.columns[$0]! }, rowCount: read.rows)
    return FileRead(table: table, warnings: warnings)
  }

  /// The bytes after any BOM, read as the layout found in them says
  /// (delimiter, null words, the types given), the layout, and the text
  /// for messages: what reading a file whole and streaming it share.
  static func prepared(_ input: Input, name: String, options: ReadOptions, tab: Bool) throws -> (
    Input, Layout, () -> SourceFile
  ) {
    var p = input.p
    if p.starts(with: [0xEF, 0xBB, 0xBF]) { p = UnsafeBufferPointer(rebasing: p[3...]) }
    let body = Input(
      p: p, release: { [release = input.release] r in release(r.lowerBound + 3..<r.upperBound + 3) },
      blockSize: input.blockSize, cancellation: input.cancellation)
    var input = input.p.count == p.count ? input : body
    input.name = name
    try FileKind.refuseBinary(p, name: name)
    // The text for messages is made only when there is one to show.
    let source = { [p] in SourceFile(name: name, text: String(decoding: p, as: UTF8.self)) }
    let layout = try Layout.find(p, options: options, tab: tab, name: name, source: source)
    input.reading = Reading(
      delimiter: layout.delimiter, nulls: NullWords(options.nulls),
      given: layout.names.map { n in options.types[n].map(CellKind.init(given:)) }, names: layout.names)
    return (input, layout, source)
  }

  /// "2 rows under the table in f.csv are notes…", quoting the first.
  static func noteWarning(_ notes: Notes, _ p: UnsafeBufferPointer<UInt8>, name: String, delimiter: UInt8)
    -> Diagnostic
  {
    // The first note: the first line after the blank ones, without its padding.
    var i = notes.start
    while i < p.count && (p[i] == 10 || p[i] == 13 || p[i] == delimiter || p[i] == 32) { i += 1 }
    var e = i
    while e < p.count && p[e] != 10 && p[e] != 13 { e += 1 }
    var line = Array(p[i..<e])
    while let last = line.last, last == delimiter || last == 32 { line.removeLast() }
    if line.count >= 2 && line.first == 34 && line.last == 34 { line = Array(line.dropFirst().dropLast()) }
    var text = String(decoding: line, as: UTF8.self)
    if text.count > 60 { text = String(text.prefix(57)) + "…" }
    let lineNumber = 1 + lineBreaks(p, before: i)
    let n = notes.count
    let rows =
      n == 1
      ? "1 row under the table in \(name) is a note and was" : "\(n) rows under the table in \(name) are notes and were"
    return Diagnostic(
      "\(rows) left out (line \(groupThousands(String(lineNumber))): \"\(text)\")", at: nil,
      help:
        "a row with one filled cell after a blank line is read as a note; if it is data, remove the blank line above it",
      severity: .warning)
  }

  /// Line breaks in `p` before `offset`.
  static func lineBreaks(_ p: UnsafeBufferPointer<UInt8>, before offset: Int) -> Int {
    guard let base = p.baseAddress else { return 0 }
    var count = 0, i = 0
    while i < offset, let lf = memchr(base + i, 10, offset - i) {
      count += 1
      i = base.distance(to: lf.assumingMemoryBound(to: UInt8.self)) + 1
    }
    return count
  }

  /// Every record as text, header first: for the dataset converter.
  package static func textRows(_ bytes: [UInt8], name: String) throws -> [[String]] {
    struct Rows: CSVVisitor {
      let p: UnsafeBufferPointer<UInt8>
      var rows: [[String]] = []
      var current: [String] = []
      mutating func field(_ column: Int, _ start: Int, _ end: Int, cell: Int, escaped: Bool) {
        current.append(
          String(decoding: escaped ? CSVReader.unescape(p, start, end) : Array(p[start..<end]), as: UTF8.self))
      }
      mutating func record(fields: Int, end: Int) throws {
        rows.append(current)
        current = []
      }
    }
    return try bytes.withUnsafeBufferPointer { p in
      var v = Rows(p: p)
      try CSVScanner(bytes: p, source: { SourceFile(name: name, text: String(decoding: bytes, as: UTF8.self)) }).scan(
        from: 0, to: p.count, &v)
      return v.rows
    }
  }

}

extension Catalog {
  /// A catalog whose `from "file.csv"` is read by `CSVReader`, and `from
  /// stdin` from standard input (read once, when first needed).
  public convenience init() {
    let stdin = StandardInput()
    self.init(readFile: { file, directory, columns, cancellation in
      guard file.isStandardInput else {
        return try CSVReader.read(
          path: file.path, in: directory, options: file.options, columns: columns, cancellation: cancellation)
      }
      return try CSVReader.parse(
        try stdin.bytes(), name: "stdin", options: file.options, columns: columns, cancellation: cancellation)
    })
  }
}

/// Standard input's bytes, read to the end the first time they are asked for.
final class StandardInput: @unchecked Sendable {
  private var read: [UInt8]?

  func bytes() throws -> [UInt8] {
    if let read { return read }
    if isatty(0) != 0 {
      throw Diagnostic(
        "from stdin reads a file piped to iq, and nothing is piped", at: nil,
        help: "cat data.csv | iq -c 'from stdin | take 5'")
    }
    let data = FileHandle.standardInput.readDataToEndOfFile()
    read = [UInt8](data)
    return read!
  }
}
