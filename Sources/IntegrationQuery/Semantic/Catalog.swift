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
  }

  private var entries: [String: Entry] = [:]
  private var loaded: [String: Table] = [:]
  public private(set) var order: [String] = []
  /// CSV files read by `from "path"`, by path.
  private var files: [String: Table] = [:]

  public init() {}

  public var names: [String] { order }

  /// A catalog with the same tables, sharing what is already decoded;
  /// what is added to it later is its own.
  public func copy() -> Catalog {
    let c = Catalog()
    c.entries = entries
    c.loaded = loaded
    c.order = order
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

  public func file(_ path: String) throws -> Table {
    if let t = files[path] { return t }
    let t = try CSVReader.read(path: path)
    files[path] = t
    return t
  }

  /// Forget files read so far, so a script run twice sees fresh data.
  public func forgetFiles() { files = [:] }
}
