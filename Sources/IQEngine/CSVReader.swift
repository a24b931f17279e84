import Foundation
import IQCore
import IQPlan

/// Reads RFC 4180 CSV: quoted fields with embedded commas, quotes and line
/// breaks; CRLF or LF; UTF-8 with or without a BOM. Column types are
/// inferred from the values. A malformed file is refused whole, with its
/// path, line and column: a query never sees half a file.
public enum CSVReader {
  /// Reads a CSV file; with `columns`, only those columns are built (the
  /// rest are still checked), which is all a query that names them needs.
  /// A relative `path` is found in `directory` (see `filePath`); messages
  /// name it as written. A Ctrl-C on `cancellation` stops it.
  public static func read(
    path: String, in directory: String? = nil, columns wanted: Set<String>? = nil, cancellation: Cancellation
  ) throws -> Table {
    try read(
      path: path, in: directory, columns: wanted, mapAbove: mapThreshold, blockSize: blockSize,
      cancellation: cancellation)
  }

  /// `mapAbove` and `blockSize` are parameters for the tests.
  static func read(
    path: String, in directory: String? = nil, columns wanted: Set<String>?, mapAbove: Int, blockSize: Int,
    cancellation: Cancellation
  ) throws -> Table {
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
    let fd = open(file, O_RDONLY)
    guard fd >= 0 else { throw Diagnostic("can't read \(path): permission denied or unreadable", at: nil) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw Diagnostic("can't read \(path): \(String(cString: strerror(errno)))", at: nil)
    }
    let size = Int(info.st_size)
    // A large file is mapped rather than copied, and each block's pages
    // are given back once read, so the file never sits whole in memory.
    if size >= mapAbove, let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED {
      defer { munmap(base, size) }
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      let p = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size)
      let release: (Range<Int>) -> Void = { r in
        let from = (r.lowerBound + page - 1) / page * page, to = r.upperBound / page * page
        if to > from { madvise(base + from, to - from, MADV_DONTNEED) }
      }
      return try parse(
        Input(p: p, release: release, blockSize: blockSize, cancellation: cancellation), name: path, columns: wanted)
    }
    guard let bytes = readFile(fd, size: size) else {
      throw Diagnostic("can't read \(path): \(String(cString: strerror(errno)))", at: nil)
    }
    return try bytes.withUnsafeBufferPointer {
      try parse(Input(p: $0, blockSize: blockSize, cancellation: cancellation), name: path, columns: wanted)
    }
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

  /// Parses CSV bytes; `name` is used in messages.
  public static func parse(
    _ bytes: [UInt8], name: String, columns wanted: Set<String>? = nil, cancellation: Cancellation
  ) throws -> Table {
    try bytes.withUnsafeBufferPointer {
      try parse(Input(p: $0, cancellation: cancellation), name: name, columns: wanted)
    }
  }

  static func parse(_ input: Input, name: String, columns wanted: Set<String>?) throws -> Table {
    var p = input.p
    if p.starts(with: [0xEF, 0xBB, 0xBF]) { p = UnsafeBufferPointer(rebasing: p[3...]) }
    let body = Input(
      p: p, release: { [release = input.release] r in release(r.lowerBound + 3..<r.upperBound + 3) },
      blockSize: input.blockSize, cancellation: input.cancellation)
    var input = input.p.count == p.count ? input : body
    input.name = name
    // The text for messages is made only when there is one to show.
    let source = { SourceFile(name: name, text: String(decoding: p, as: UTF8.self)) }
    let scanner = CSVScanner(bytes: p, source: source)
    var header = HeaderReader(p: p)
    do {
      try scanner.scan(from: 0, to: p.count, &header)
    } catch is HeaderReader.Done {}
    if let bad = TextBytes.firstInvalidUTF8(p, 0..<header.next) { throw TextBytes.notUTF8(p, bad, name: name) }
    if let zero = p[0..<header.next].firstIndex(of: 0) { throw TextBytes.nulByte(p, zero, name: name) }
    guard let cells = header.cells else {
      throw Diagnostic("\(name) is empty: a CSV file needs a header line", at: nil)
    }
    var names: [String] = []
    var taken: Set<String> = []
    // The next suffix to try for each name, so a thousand `a`s stay linear.
    var nextSuffix: [String: Int] = [:]
    for (i, cell) in cells.enumerated() {
      var n = cell.trimmingCharacters(in: .whitespaces)
      if n.isEmpty { n = "column_\(i + 1)" }
      var unique = n
      var k = nextSuffix[n] ?? 2
      while taken.contains(unique) {
        unique = "\(n)_\(k)"
        k += 1
      }
      nextSuffix[n] = k
      names.append(unique)
      taken.insert(unique)
    }
    let (fields, columns, rows) = try readColumns(
      input, from: header.next, names: names, wanted: wanted, source: source)
    let kept = fields.indices.filter { columns[$0] != nil }
    return Table(fields: kept.map { fields[$0] }, columns: kept.map { columns[$0]! }, rowCount: rows)
  }

  /// Collects the first record's fields, then stops the scan.
  struct HeaderReader: CSVVisitor {
    struct Done: Error {}
    let p: UnsafeBufferPointer<UInt8>
    var texts: [String] = []
    var cells: [String]?
    /// Where the first data record starts.
    var next = 0

    mutating func field(_ column: Int, _ start: Int, _ end: Int, cell: Int, escaped: Bool) {
      let bytes = escaped ? unescape(p, start, end) : Array(p[start..<end])
      texts.append(String(decoding: bytes, as: UTF8.self))
    }

    mutating func record(fields count: Int, end: Int) throws {
      cells = texts
      next = end
      if next < p.count && p[next] == 13 { next += 1 }
      if next < p.count && p[next] == 10 { next += 1 }
      throw Done()
    }
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
  /// A catalog whose `from "file.csv"` is read by `CSVReader`.
  public convenience init() {
    self.init(readFile: { try CSVReader.read(path: $0, in: $1, columns: $2, cancellation: $3) })
  }
}
