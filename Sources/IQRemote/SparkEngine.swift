import Foundation
import IQBuiltins
import IQCore

/// Spark through its own `spark-sql` (on PATH, or under SPARK_HOME), one
/// process per statement, run in the current folder so that it opens the
/// same catalog (metastore_db, spark-warehouse) the user's spark-sql does.
/// Its output is tab-separated with nulls as `NULL`: a text value that is
/// itself `NULL`, or holds a tab or a line break, can't be told apart.
public final class SparkEngine: Engine {
  public let dialect = SQLDialect.spark
  public let label: String
  let master: String
  let program: String

  public init(master: String) throws {
    self.master = master
    guard let program = SparkEngine.find() else {
      throw EngineError(
        "spark-sql not found", help: "put Spark's bin folder on PATH or set SPARK_HOME (pip install pyspark has one)")
    }
    self.program = program
    label = "Spark (\(master))"
    // spark-sql would wait minutes for a standalone master that isn't
    // there; iq looks first, and gives up as libpq does, after 10 seconds.
    if master.hasPrefix("spark://") {
      let address = master.dropFirst("spark://".count).split(separator: ",").first.map(String.init) ?? ""
      let parts = address.split(separator: ":", maxSplits: 1).map(String.init)
      let (host, port) = (parts.first ?? "", parts.count > 1 ? parts[1] : "7077")
      if let why = Network.unreachable(host: host, port: port, seconds: 10) {
        throw EngineError(
          "can't reach the Spark master at \(host), port \(port): \(why)",
          help: "check the host and port, and that the master is running (its web page shows spark://HOST:PORT)")
      }
    }
  }

  static func find() -> String? {
    let environment = ProcessInfo.processInfo.environment
    var candidates: [String] = []
    if let home = environment["SPARK_HOME"] { candidates.append(home + "/bin/spark-sql") }
    for dir in (environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(dir)/spark-sql") }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  public func tables() throws -> [RemoteTable] {
    // spark-sql prints a table's name alone; some versions, its namespace,
    // name and whether it is temporary.
    let names = try lines("SHOW TABLES").compactMap { line -> String? in
      let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      if cells.count == 1 { return cells[0].isEmpty ? nil : cells[0] }
      return cells.count >= 2 && cells.last != "true" ? cells[1] : nil
    }
    guard !names.isEmpty else { return [] }
    // One process for every table: each start costs Spark seconds.
    let sql = names.map { "SELECT '@@iq \($0)'; DESCRIBE TABLE \(dialect.identifier($0))" }.joined(separator: "; ")
    var tables: [RemoteTable] = []
    var describing = true
    for line in try lines(sql) {
      if line.hasPrefix("@@iq ") {
        tables.append(RemoteTable(name: String(line.dropFirst(5)), fields: [], hasRowColumn: false, skipped: []))
        describing = true
        continue
      }
      let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard describing, !tables.isEmpty, cells.count >= 2, !cells[0].isEmpty else { continue }
      if cells[0].hasPrefix("#") {
        describing = false  // partition information repeats the columns
        continue
      }
      if cells[0] == "_row" {
        tables[tables.count - 1].hasRowColumn = true
      } else if let type = Engines.type(sql: cells[1], scale: nil) {
        tables[tables.count - 1].fields.append(Field(cells[0], type))
      } else {
        tables[tables.count - 1].skipped.append(cells[0])
      }
    }
    return tables
  }

  public func run(_ sql: String, fields: [Field], cancellation: Cancellation) throws -> Table {
    var builders = fields.map { ColumnBuilder(type: $0.type) }
    var rows = 0
    for line in try lines(sql, cancellation: cancellation) {
      let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard cells.count == fields.count else {
        throw EngineError("Spark gave a row of \(cells.count) values for \(fields.count) columns: \(line.prefix(80))")
      }
      for (i, cell) in cells.enumerated() {
        if cell == "NULL" {
          builders[i].appendNull()
        } else if let v = Engines.value(cell, fields[i].type) {
          builders[i].append(v)
        } else {
          throw EngineError("Spark gave '\(cell)' for \(fields[i].name), which iq can't read as \(fields[i].type)")
        }
      }
      rows += 1
    }
    return Table(fields: fields, columns: builders.map { $0.finish() }, rowCount: rows)
  }

  /// Runs statements in spark-sql; its output's lines, or its error. A
  /// Ctrl-C stops spark-sql (and with it the application it started).
  func lines(_ sql: String, cancellation: Cancellation = Cancellation()) throws -> [String] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: program)
    p.arguments = [
      "--master", master, "--conf", "spark.ui.enabled=false", "--conf", "spark.ui.showConsoleProgress=false",
      "--conf", "spark.sql.session.timeZone=UTC", "-S", "-e", sql.trimmingCharacters(in: .whitespacesAndNewlines),
    ]
    var environment = ProcessInfo.processInfo.environment
    if master.hasPrefix("local") { environment["SPARK_LOCAL_IP"] = environment["SPARK_LOCAL_IP"] ?? "127.0.0.1" }
    p.environment = environment
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    do { try p.run() } catch { throw EngineError("can't start \(program): \(error.localizedDescription)") }
    // Both pipes are read while it runs, so neither fills and stops it.
    let output = PipeReader(out.fileHandleForReading)
    let errors = PipeReader(err.fileHandleForReading)
    while p.isRunning {
      if cancellation.isRequested {
        p.terminate()
        p.waitUntilExit()
        throw Cancellation.cancelled
      }
      usleep(50_000)
    }
    let errorBytes = errors.finish()
    if cancellation.isRequested { throw Cancellation.cancelled }
    guard p.terminationStatus == 0 else {
      let text = String(decoding: errorBytes, as: UTF8.self)
      let lines = text.split(separator: "\n").map(String.init)
      // Spark's own message: "[ERROR_CLASS] what went wrong …", else the last line.
      let message = lines.first { $0.hasPrefix("[") || $0.contains("Exception:") } ?? lines.last ?? "failed"
      // Spark shows where: "== SQL (line 12, position 5) ==".
      let line = lines.lazy.compactMap { l -> Int? in
        guard let r = l.range(of: "(line ") else { return nil }
        return Int(l[r.upperBound...].prefix { $0.isNumber })
      }.first
      throw EngineError("Spark: \(message.trimmingCharacters(in: .whitespaces))", line: line)
    }
    var lines = String(decoding: output.finish(), as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false
    )
    .map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
  }
}

/// All of a pipe's bytes, read on a thread of its own until it closes.
final class PipeReader: @unchecked Sendable {
  private var bytes = Data()
  private let done = DispatchSemaphore(value: 0)

  init(_ handle: FileHandle) {
    Thread { [self] in
      bytes = handle.readDataToEndOfFile()
      done.signal()
    }.start()
  }

  /// The bytes, once the writer has closed the pipe.
  func finish() -> Data {
    done.wait()
    done.signal()
    return bytes
  }
}
