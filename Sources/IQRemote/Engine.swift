import Foundation
import IQBuiltins
import IQCore

/// A SQL engine that runs iq's translation where the data is kept
/// (`--engine URL`, `.engine URL`), and gives the result back as an iq
/// table with iq's types.
public protocol Engine: AnyObject {
  /// The SQL it reads.
  var dialect: SQLDialect { get }
  /// Where it is, for messages: `PostgreSQL at 127.0.0.1:5432`, never a password.
  var label: String { get }
  /// Its tables and their columns as iq types; a table the export wrote
  /// carries its order in `_row`, which is not one of its columns here.
  func tables() throws -> [RemoteTable]
  /// Runs one statement whose result has these columns. A Ctrl-C
  /// (`cancellation`) stops it where it runs, not only here.
  func run(_ sql: String, fields: [Field], cancellation: Cancellation) throws -> Table
}

public struct RemoteTable: Sendable {
  public var name: String
  public var fields: [Field]
  public var hasRowColumn: Bool
  /// Columns of a type iq has no equivalent for (left out).
  public var skipped: [String]
}

/// An engine's failure, with the engine's own words.
public struct EngineError: Error, CustomStringConvertible {
  public var message: String
  public var help: String?
  /// The line of the statement the engine points at (from 1), when it does.
  public var line: Int?
  public init(_ message: String, help: String? = nil, line: Int? = nil) {
    self.message = message
    self.help = help
    self.line = line
  }
  public var description: String { message }
}

public enum Engines {
  /// The engine a URL names: `postgresql://…` (or `postgres://…`), or
  /// `spark`, `local[N]`, `spark://HOST:PORT`.
  public static func connect(_ url: String) throws -> Engine {
    if url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") { return try PostgresEngine(url) }
    if url == "spark" || url.hasPrefix("local") || url.hasPrefix("spark://") || url.hasPrefix("yarn") {
      return try SparkEngine(master: url == "spark" ? "local[2]" : url)
    }
    throw EngineError(
      "can't tell which engine '\(Redact.url(url))' is",
      help: "engines are postgresql://user@host:port/database, spark, local[N] or spark://host:port")
  }

  /// iq's type for a column's SQL type (as the engine names it), or nil
  /// for a type iq has none for.
  public static func type(sql: String, scale: Int?) -> DataType? {
    let t = sql.lowercased()
    if ["smallint", "integer", "bigint", "int", "tinyint", "int2", "int4", "int8"].contains(t) { return .int }
    if ["double precision", "real", "double", "float", "float4", "float8"].contains(t) { return .number }
    if t.hasPrefix("decimal") || t.hasPrefix("numeric") {
      // Two places is how a table keeps money (and how --export-dataset writes it).
      let s = scale ?? t.split(separator: ",").last.flatMap { Int($0.filter(\.isNumber)) }
      return s == 2 ? .money : (s == 0 ? .int : .number)
    }
    if t == "boolean" || t == "bool" { return .bool }
    if t == "date" { return .date }
    if t == "text" || t == "string" || t.hasPrefix("character") || t.hasPrefix("varchar") || t.hasPrefix("char") {
      return .text
    }
    return nil
  }

  /// One cell of an engine's text output as an iq value of its column's type.
  public static func value(_ s: String, _ type: DataType) -> Value? {
    switch type {
    case .int:
      return Int64(s).map(Value.int)
    case .number:
      if let x = Double(s) { return .number(x) }
      return ["NaN", "Infinity", "-Infinity"].contains(s) ? .null : nil
    case .money: return Money.parse("£" + s).map(Value.money)
    case .bool:
      switch s {
      case "t", "true", "1": return .bool(true)
      case "f", "false", "0": return .bool(false)
      default: return nil
      }
    case .date: return Date.parseISO(s).map(Value.date)
    case .text: return .text(s)
    case .null: return .null
    }
  }
}

/// Takes passwords out of what is shown: `postgresql://iq:secret@host` is
/// shown as `postgresql://iq:***@host`, and `password=…` as `password=***`.
public enum Redact {
  public static func url(_ s: String) -> String {
    var out = s
    if let scheme = out.range(of: "://"), let at = out[scheme.upperBound...].firstIndex(of: "@") {
      let credentials = out[scheme.upperBound..<at]
      if let colon = credentials.firstIndex(of: ":") {
        out.replaceSubrange(out.index(after: colon)..<at, with: "***")
      }
    }
    if let r = out.range(of: "password=") {
      let end = out[r.upperBound...].firstIndex(where: { $0 == "&" || $0 == " " }) ?? out.endIndex
      out.replaceSubrange(r.upperBound..<end, with: "***")
    }
    return out
  }
}

enum Network {
  /// Why a TCP connection to host:port can't be made within `seconds`,
  /// or nil when it can (it is closed again at once).
  static func unreachable(host: String, port: String, seconds: Int) -> String? {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var found: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, port, &hints, &found)
    guard status == 0, let first = found else { return "no such host (\(String(cString: gai_strerror(status))))" }
    defer { freeaddrinfo(first) }
    var why = "no address"
    var next: UnsafeMutablePointer<addrinfo>? = first
    while let a = next {
      next = a.pointee.ai_next
      let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
      guard fd >= 0 else { continue }
      defer { close(fd) }
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
      if connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return nil }
      guard errno == EINPROGRESS else {
        why = String(cString: strerror(errno))
        continue
      }
      var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
      guard poll(&ready, 1, Int32(seconds * 1000)) == 1 else {
        why = "no answer in \(seconds) seconds"
        continue
      }
      var error: Int32 = 0
      var size = socklen_t(MemoryLayout<Int32>.size)
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
      if error == 0 { return nil }
      why = String(cString: strerror(error))
    }
    return why
  }
}
