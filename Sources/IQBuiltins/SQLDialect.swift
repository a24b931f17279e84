import IQCore

/// A SQL engine iq's translation writes for: what its SQL spells
/// differently. The translator (IQSQL) and each function's own rule ask
/// the dialect rather than test its name, so a difference between engines
/// is written once, here.
///
/// Conventions every dialect keeps: money is carried as whole pence in a
/// 64-bit integer between steps (exact, and rounded the way iq rounds);
/// a table stores it as pence in SQLite, which has no decimal type, and
/// as a two-place decimal elsewhere. Text compares by code point.
public enum SQLDialect: String, CaseIterable, Sendable {
  case sqlite, duckdb, postgres, tsql, spark

  /// How the engine is called in messages: "not translatable to PostgreSQL".
  public var title: String {
    switch self {
    case .sqlite: return "SQLite"
    case .duckdb: return "DuckDB"
    case .postgres: return "PostgreSQL"
    case .tsql: return "T-SQL"
    case .spark: return "Spark SQL"
    }
  }

  /// A name, quoted so that nothing in it is read as SQL.
  public func identifier(_ name: String) -> String {
    switch self {
    case .tsql: return "[" + name.replacingOccurrences(of: "]", with: "]]") + "]"
    case .spark: return "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    default: return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
  }

  /// A text literal. Spark reads backslash escapes inside quotes, so a
  /// backslash is doubled there too; T-SQL needs N'' for anything past ASCII.
  public func string(_ s: String) -> String {
    switch self {
    case .spark:
      return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    case .tsql: return "N'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    default: return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }
  }

  /// A date literal (ISO text in SQLite, whose dates are text).
  public func date(_ iso: String) -> String {
    switch self {
    case .sqlite: return "'\(iso)'"
    case .tsql: return "CAST('\(iso)' AS DATE)"
    default: return "DATE '\(iso)'"
    }
  }

  /// Whether true and false are values (T-SQL has predicates only, and bit 1/0).
  public var hasBoolean: Bool { self != .tsql && self != .sqlite }

  public func bool(_ b: Bool) -> String { hasBoolean ? (b ? "TRUE" : "FALSE") : (b ? "1" : "0") }

  /// The column type a table of this dialect stores an iq type in.
  public func storage(_ type: DataType) -> String {
    switch (self, type) {
    case (.sqlite, .int), (.sqlite, .money), (.sqlite, .bool): return "INTEGER"
    case (.sqlite, .number): return "REAL"
    case (.sqlite, _): return "TEXT"
    case (_, .int): return "BIGINT"
    case (.postgres, .number): return "DOUBLE PRECISION"
    case (.tsql, .number): return "FLOAT"
    case (_, .number): return "DOUBLE"
    case (_, .money): return "DECIMAL(18, 2)"
    case (.tsql, .bool): return "BIT"
    case (_, .bool): return "BOOLEAN"
    case (_, .date): return "DATE"
    case (.tsql, _): return "NVARCHAR(MAX)"
    case (.spark, _): return "STRING"
    case (_, _): return "TEXT"
    }
  }

  /// x as a double.
  public func double(_ x: String) -> String { "CAST(\(x) AS \(storage(.number)))" }

  /// x as a 64-bit integer (truncating a double).
  public func bigint(_ x: String) -> String { "CAST(\(x) AS \(storage(.int)))" }

  /// A double rounded to a whole number, halves away from zero, as an integer.
  /// PostgreSQL's round of a double breaks ties to even, so it is rounded as
  /// a numeric there.
  public func roundedToWhole(_ x: String) -> String {
    switch self {
    case .postgres: return "CAST(round(CAST(\(x) AS NUMERIC)) AS BIGINT)"
    case .tsql: return "CAST(ROUND(\(x), 0) AS BIGINT)"
    default: return bigint("ROUND(\(x))")
    }
  }

  /// Money as pence from a stored column (pounds in a decimal, except in SQLite).
  public func pence(fromStored x: String) -> String { self == .sqlite ? x : "CAST(\(x) * 100 AS BIGINT)" }

  /// Pence back to the stored form: a two-place decimal (SQLite keeps pence).
  public func stored(fromPence x: String) -> String {
    self == .sqlite ? x : "CAST(CAST(\(x) AS DECIMAL(20, 0)) / 100 AS DECIMAL(18, 2))"
  }

  /// Text compared by code point: PostgreSQL's databases usually sort by a
  /// language's rules and SQL Server's ignore case, so both are told to
  /// compare bytes; DuckDB, Spark and SQLite already do.
  public func codePoint(_ x: String) -> String {
    switch self {
    case .postgres: return "\(x) COLLATE \"C\""
    case .tsql: return "\(x) COLLATE Latin1_General_BIN2"
    default: return x
    }
  }

  /// Texts joined end to end (a null part makes the whole null).
  public func concat(_ parts: [String]) -> String {
    switch self {
    case .tsql: return "(" + parts.joined(separator: " + ") + ")"
    default: return "(" + parts.joined(separator: " || ") + ")"
    }
  }

  /// A sort key, nulls last either way (T-SQL has no NULLS LAST).
  public func orderKey(_ x: String, descending: Bool) -> String {
    let direction = descending ? "DESC" : "ASC"
    if self == .tsql { return "CASE WHEN \(x) IS NULL THEN 1 ELSE 0 END, \(x) \(direction)" }
    return "\(x) \(direction) NULLS LAST"
  }

  /// The year and month of a date, as integers.
  public func year(_ d: String) -> String {
    switch self {
    case .sqlite: return "CAST(strftime('%Y', \(d)) AS INTEGER)"
    case .tsql: return "YEAR(\(d))"
    default: return bigint("EXTRACT(YEAR FROM \(d))")
    }
  }

  public func month(_ d: String) -> String {
    switch self {
    case .sqlite: return "CAST(strftime('%m', \(d)) AS INTEGER)"
    case .tsql: return "MONTH(\(d))"
    default: return bigint("EXTRACT(MONTH FROM \(d))")
    }
  }

  /// A date n days later (n may be negative).
  public func addDays(_ d: String, _ n: String) -> String {
    switch self {
    case .sqlite: return "date(\(d), (\(n)) || ' days')"
    case .duckdb: return "CAST(\(d) + CAST(\(n) AS INTEGER) AS DATE)"
    case .postgres: return "(\(d) + CAST(\(n) AS INTEGER))"
    case .tsql: return "DATEADD(day, \(n), \(d))"
    case .spark: return "date_add(\(d), CAST(\(n) AS INT))"
    }
  }

  /// The days from b to a.
  public func daysBetween(_ a: String, _ b: String) -> String {
    switch self {
    case .sqlite: return "CAST(julianday(\(a)) - julianday(\(b)) AS INTEGER)"
    case .duckdb: return "CAST(\(a) - \(b) AS BIGINT)"
    case .postgres: return "CAST(\(a) - \(b) AS BIGINT)"
    case .tsql: return "CAST(DATEDIFF(day, \(b), \(a)) AS BIGINT)"
    case .spark: return "CAST(datediff(\(a), \(b)) AS BIGINT)"
    }
  }

  /// An integer written with at least `width` digits (years in `2015-16`).
  public func zeroPadded(_ x: String, width: Int) -> String {
    switch self {
    // SQLite's printf writes a null as 0000.
    case .sqlite: return "CASE WHEN \(x) IS NOT NULL THEN printf('%0\(width)d', \(x)) END"
    case .tsql: return "RIGHT(REPLICATE('0', \(width)) + CAST(\(x) AS VARCHAR(20)), \(width))"
    default: return "lpad(CAST(\(x) AS \(storage(.text))), \(width), '0')"
    }
  }

  /// The number of characters in a text.
  public func length(_ s: String) -> String {
    switch self {
    case .tsql: return "CAST(LEN(\(s) + N'.') - 1 AS BIGINT)"
    case .sqlite: return "length(\(s))"
    default: return bigint("length(\(s))")
    }
  }

  /// Characters from the 1-based `start`, `count` of them (or to the end).
  public func substring(_ s: String, _ start: String, _ count: String?) -> String {
    switch self {
    case .tsql: return "SUBSTRING(\(s), \(start), \(count ?? "LEN(\(s) + N'.')"))"
    case .sqlite: return "substr(\(s), \(start)\(count.map { ", " + $0 } ?? ""))"
    default: return "substring(\(s), CAST(\(start) AS INT)\(count.map { ", CAST(\($0) AS INT)" } ?? ""))"
    }
  }

  /// Where t first occurs in s (1-based), 0 when it doesn't.
  public func position(_ t: String, in s: String) -> String {
    switch self {
    case .sqlite: return "instr(\(s), \(t))"
    case .tsql: return "CHARINDEX(\(codePoint(t)), \(codePoint(s)))"
    case .spark: return "locate(\(t), \(s))"
    default: return "strpos(\(s), \(t))"
    }
  }
}
