/// How to read a file, as `from "PATH" with OPTION = VALUE, …` says
/// (LANGUAGE.md §10). Each is nil (or empty) where the reader finds it.
public struct ReadOptions: Hashable, Sendable {
  /// Physical lines (or sheet rows) before the header, blank ones included.
  public var skip: Int?
  /// Header rows: 0, 1 or 2.
  public var header: Int?
  /// `,` `;` tab `|`.
  public var delimiter: UInt8?
  /// More words that mean a value is missing.
  public var nulls: [String] = []
  /// Types the user gives some columns, overriding inference.
  public var types: [String: DataType] = [:]
  /// A workbook's sheet, by name or 1-based number.
  public var sheet: Sheet?
  /// A workbook's cell range, `A3:K200`.
  public var range: String?

  public enum Sheet: Hashable, Sendable {
    case name(String)
    case number(Int)
  }

  public init() {}

  public var isEmpty: Bool { self == ReadOptions() }
}

/// A file a `from`, `join` or `append` reads: its path, or standard input.
public struct FileSource: Hashable, Sendable {
  public var path: String
  public var options: ReadOptions
  /// `from stdin`: delimited text from standard input; `path` is `stdin`.
  public var isStandardInput: Bool

  public init(path: String, options: ReadOptions = ReadOptions(), isStandardInput: Bool = false) {
    self.path = path
    self.options = options
    self.isStandardInput = isStandardInput
  }

  /// How a message names it.
  public var label: String { isStandardInput ? "standard input" : path }
}

/// A file's table, and what the reader wants the user to know about it
/// (notes dropped from under the table, error cells read as null).
public struct FileRead: Sendable {
  public var table: Table
  public var warnings: [Diagnostic]

  public init(table: Table, warnings: [Diagnostic] = []) {
    self.table = table
    self.warnings = warnings
  }
}
