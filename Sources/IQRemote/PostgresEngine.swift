import CLibPQ
import Foundation
import IQBuiltins
import IQCore

/// PostgreSQL through libpq. Credentials come as libpq finds them: in the
/// URL, `PGPASSWORD`, or `~/.pgpass`; iq never prints them. A server that
/// can't be reached fails after 10 seconds (`connect_timeout`) unless the
/// URL sets its own.
public final class PostgresEngine: Engine {
  public let dialect = SQLDialect.postgres
  public let label: String
  private let connection: OpaquePointer

  public init(_ url: String) throws {
    var conninfo = url
    if !url.contains("connect_timeout=") { conninfo += (url.contains("?") ? "&" : "?") + "connect_timeout=10" }
    if !url.contains("application_name=") { conninfo += "&application_name=iq" }
    guard let c = PQconnectdb(conninfo) else { throw EngineError("libpq could not start a connection") }
    guard PQstatus(c) == CONNECTION_OK else {
      let why = String(cString: PQerrorMessage(c)).trimmingCharacters(in: .whitespacesAndNewlines)
      PQfinish(c)
      throw EngineError(
        "can't connect to PostgreSQL: \(Redact.url(why))",
        help: "check the host and port in the URL, and that the server is running")
    }
    connection = c
    let host = PQhost(c).map { String(cString: $0) } ?? "?"
    let port = PQport(c).map { String(cString: $0) } ?? "?"
    let database = PQdb(c).map { String(cString: $0) } ?? "?"
    label = "PostgreSQL at \(host):\(port)/\(database)"
  }

  deinit { PQfinish(connection) }

  public func tables() throws -> [RemoteTable] {
    let rows = try query(
      """
      SELECT table_name, column_name, data_type, numeric_scale FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
      """)
    var tables: [RemoteTable] = []
    for r in rows {
      guard let name = r[0], let column = r[1], let sqlType = r[2] else { continue }
      if tables.last?.name != name {
        tables.append(RemoteTable(name: name, fields: [], hasRowColumn: false, skipped: []))
      }
      if column == "_row" {
        tables[tables.count - 1].hasRowColumn = true
      } else if let type = Engines.type(sql: sqlType, scale: r[3].flatMap { Int($0) }) {
        tables[tables.count - 1].fields.append(Field(column, type))
      } else {
        tables[tables.count - 1].skipped.append(column)
      }
    }
    return tables
  }

  public func run(_ sql: String, fields: [Field], cancellation: Cancellation) throws -> Table {
    let rows = try query(sql, cancellation: cancellation)
    var builders = fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
    for r in rows {
      for (i, cell) in r.enumerated() where i < builders.count {
        guard let text = cell else {
          builders[i].appendNull()
          continue
        }
        guard let v = Engines.value(text, fields[i].type) else {
          throw EngineError("PostgreSQL gave '\(text)' for \(fields[i].name), which iq can't read as \(fields[i].type)")
        }
        builders[i].append(v)
      }
    }
    return Table(fields: fields, columns: builders.map { $0.finish() }, rowCount: rows.count)
  }

  /// A statement's rows as text (nil: null), or the server's error. It
  /// is sent, then waited for a tenth of a second at a time, so that a
  /// Ctrl-C cancels it on the server (a query left running there would
  /// hold its locks and its cores after iq had given up on it).
  func query(_ sql: String, cancellation: Cancellation = Cancellation()) throws -> [[String?]] {
    guard PQsendQuery(connection, sql) == 1 else { throw EngineError("PostgreSQL: \(lastError)") }
    while PQisBusy(connection) == 1 {
      if cancellation.isRequested {
        if let cancel = PQgetCancel(connection) {
          var why = [CChar](repeating: 0, count: 256)
          _ = PQcancel(cancel, &why, Int32(why.count))
          PQfreeCancel(cancel)
        }
        while let r = PQgetResult(connection) { PQclear(r) }
        throw Cancellation.cancelled
      }
      var ready = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
      _ = poll(&ready, 1, 100)
      guard PQconsumeInput(connection) == 1 else { throw EngineError("PostgreSQL: \(lastError)") }
    }
    // One statement gives one result; the last is the one that counts.
    var last: OpaquePointer?
    while let r = PQgetResult(connection) {
      if let previous = last { PQclear(previous) }
      last = r
    }
    guard let result = last else { throw EngineError("PostgreSQL: \(lastError)") }
    defer { PQclear(result) }
    let status = PQresultStatus(result)
    guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
      let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
      // Where in the statement, in characters from 1: its line tells the step.
      let position = PQresultErrorField(result, Int32(UInt8(ascii: "P"))).flatMap { Int(String(cString: $0)) }
      let line = position.map { p in sql.prefix(max(0, p - 1)).filter { $0 == "\n" }.count + 1 }
      throw EngineError("PostgreSQL: \(message)", line: line)
    }
    let (n, m) = (PQntuples(result), PQnfields(result))
    return (0..<n).map { r in
      (0..<m).map { c in PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c)) }
    }
  }

  var lastError: String {
    String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
