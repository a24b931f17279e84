import IQCore

/// The tables a query can name: the built-in dataset, `--data` files and
/// `let` results. Tables load when first used.
public final class Catalog: @unchecked Sendable {
  public struct Entry {
    public var fields: [Field]
    public var description: String
    public var columnNotes: [String: String] = [:]
    public var columnUnits: [String: String] = [:]
    public var source: String = ""
    public var rowCount: Int?
    var load: () throws -> Table

    package init(
      fields: [Field], description: String, columnNotes: [String: String] = [:], columnUnits: [String: String] = [:],
      source: String = "", rowCount: Int? = nil, load: @escaping () throws -> Table
    ) {
      self.fields = fields
      self.description = description
      self.columnNotes = columnNotes
      self.columnUnits = columnUnits
      self.source = source
      self.rowCount = rowCount
      self.load = load
    }
  }

  private var entries: [String: Entry] = [:]
  private var loaded: [String: Table] = [:]
  public private(set) var order: [String] = []
  /// Files read by `from "path"`, by path and options: all their columns,
  /// or those named (nil: all), and the reader's warnings.
  private var files: [FileSource: (read: FileRead, columns: Set<String>?)] = [:]

  /// Reads a file: the columns named, or all (nil). The plan stage needs a
  /// file's columns and types, and the engine knows how to read one.
  public typealias FileReader = (
    _ file: FileSource, _ directory: String?, _ columns: Set<String>?, _ cancellation: Cancellation
  ) throws -> FileRead
  private let readFile: FileReader
  /// Where relative file names are found (nil: the process's folder).
  public var directory: String?
  /// The session's: a Ctrl-C stops a file being read.
  public var cancellation = Cancellation()

  public init(readFile: @escaping FileReader) { self.readFile = readFile }

  public var names: [String] { order }

  /// A catalog with the same tables, sharing what is already decoded;
  /// what is added to it later is its own.
  public func copy() -> Catalog { copy(readFile: readFile) }

  /// A copy whose files are read by `readFile`.
  public func copy(readFile: @escaping FileReader) -> Catalog {
    let c = Catalog(readFile: readFile)
    c.entries = entries
    c.loaded = loaded
    c.order = order
    c.directory = directory
    c.cancellation = cancellation
    return c
  }

  public func add(_ name: String, _ entry: Entry) {
    if entries[name] == nil { order.append(name) }
    entries[name] = entry
    loaded[name] = nil
  }

  /// A `let` result, already computed.
  public func add(_ name: String, table: Table, description: String) {
    add(name, Entry(fields: table.fields, description: description, rowCount: table.rowCount, load: { table }))
    loaded[name] = table
  }

  public func entry(_ name: String) -> Entry? { entries[name] }

  /// Exact name first, then a unique case-insensitive match.
  public func lookup(_ name: String) -> String? {
    if entries[name] != nil { return name }
    let matches = order.filter { $0.lowercased() == name.lowercased() }
    return matches.count == 1 ? matches[0] : nil
  }

  public func table(_ name: String) throws -> Table {
    if let t = loaded[name] { return t }
    guard let e = entries[name] else { preconditionFailure("unknown table \(name)") }
    let t = try e.load()
    loaded[name] = t
    return t
  }

  /// A file's table: with `columns`, only those of its columns that it
  /// has, in the file's order; they are read once for the statement.
  public func file(_ source: FileSource, columns: Set<String>? = nil) throws -> Table {
    var cached = files[source]
    if let c = cached, let have = c.columns, columns.map({ !$0.isSubset(of: have) }) ?? true {
      cached = nil  // more columns are needed: read again
    }
    if cached == nil {
      let want = columns.map { $0.union(files[source]?.columns ?? []) }
      cached = (try readFile(source, directory, want, cancellation), want)
      files[source] = cached
    }
    let t = cached!.read.table
    guard let columns, columns != cached!.columns else { return t }
    let keep = t.fields.indices.filter { columns.contains(t.fields[$0].name) }
    return Table(fields: keep.map { t.fields[$0] }, columns: keep.map { t.columns[$0] }, rowCount: t.rowCount)
  }

  /// What the reader of a file already read has to say about it.
  public func warnings(_ source: TableSource) -> [Diagnostic] {
    guard case .file(let file, _) = source else { return [] }
    return files[file]?.read.warnings ?? []
  }

  /// The rows a `from`, `join` or `append` reads.
  public func table(_ source: TableSource) throws -> Table {
    switch source {
    case .named(let name): return try table(name)
    case .file(let file, let columns): return try self.file(file, columns: columns)
    }
  }

  /// Forget files read so far, so a script run twice sees fresh data.
  public func forgetFiles() { files = [:] }
}
