import IQBuiltins
import IQCore

/// Tables as SQL a dialect's engine loads: a CREATE TABLE and INSERTs in
/// batches (SQL Server takes at most 1,000 rows in one VALUES; Spark's
/// driver runs out of memory on one INSERT of the largest table). Each
/// table gains `_row`, its rows' order in iq, because SQL tables have
/// none; the translation reads it back (`SQLTranslator.hasRowColumn`).
public enum TableExport {
  public static func write(
    _ table: Table, name: String, dialect d: SQLDialect, batch: Int? = nil, to write: (String) -> Void
  ) {
    let rowsPerInsert = batch ?? (d == .tsql ? 1000 : 5000)
    let columns =
      ["\(d.identifier("_row")) \(d.storage(.int))"]
      + table.fields.map { "\(d.identifier($0.name)) \(d.storage($0.type))" }
    write("DROP TABLE IF EXISTS \(d.identifier(name));\n")
    write("CREATE TABLE \(d.identifier(name)) (\(columns.joined(separator: ", ")));\n")
    var start = 0
    while start < table.rowCount {
      let end = min(start + rowsPerInsert, table.rowCount)
      var sql = "INSERT INTO \(d.identifier(name)) VALUES\n"
      for i in start..<end {
        let cells = [String(i + 1)] + table.columns.map { literal($0[i], d) }
        sql += "(" + cells.joined(separator: ", ") + (i + 1 < end ? "),\n" : ");\n")
      }
      write(sql)
      start = end
    }
  }

  /// A value as a literal of its column's stored type.
  static func literal(_ v: Value, _ d: SQLDialect) -> String {
    switch v {
    case .null: return "NULL"
    case .bool(let b): return d.bool(b)
    case .int(let x): return String(x)
    case .number(let x): return x.isFinite ? "\(x)" : "NULL"
    case .money(let p): return d == .sqlite ? String(p) : Money.plain(p)
    case .text(let s): return d.string(s)
    case .date(let day): return d.date(Date.iso(day))
    }
  }
}
