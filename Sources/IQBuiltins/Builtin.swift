import IQCore

/// A built-in scalar function, declared once: its name, how a call is
/// checked and typed, what it computes for one row, its SQL, and its help
/// with an example the tests run. The resolver, the engine, the SQL
/// translator and `.help` all read this one declaration; the files beside
/// this one hold the functions, a family to a file.
///
/// To add a function, declare it in one of those files and list it in
/// `Builtin.functions`; nothing else names it (ARCHITECTURE.md).
public struct Builtin: Sendable {
  public let name: String
  /// How it is written: `round(x[, digits])`.
  public let usage: String
  /// One or two sentences for `.help`.
  public let summary: String
  /// A query that uses it; `.help NAME` runs it, and so do the tests.
  public let example: String
  /// Checks a call's arguments and gives the result's type.
  public let typing: @Sendable (inout Call) throws -> DataType
  /// The value for one row's arguments.
  public let kernel: @Sendable (_ arguments: [Value], _ row: inout Row) throws -> Value
  /// Whether the engine may work a column of repeating values out once per
  /// different value (it may unless the function looks at nulls or counts
  /// rows for a warning).
  public let perDistinctValue: Bool
  /// Whether the kernel is called for a row with a null argument; if not
  /// (most functions), such a row is null.
  public let seesNulls: Bool
  /// Its SQL, in each dialect.
  public let sql: SQL

  public init(
    _ name: String, usage: String, summary: String, example: String, perDistinctValue: Bool = true,
    seesNulls: Bool = false,
    typing: @escaping @Sendable (inout Call) throws -> DataType,
    kernel: @escaping @Sendable ([Value], inout Row) throws -> Value,
    sql: SQL
  ) {
    self.name = name
    self.usage = usage
    self.summary = summary
    self.example = example
    self.perDistinctValue = perDistinctValue
    self.seesNulls = seesNulls
    self.typing = typing
    self.kernel = kernel
    self.sql = sql
  }

  /// Every scalar function, in the order `.help functions` lists them.
  public static let functions: [Builtin] =
    [abs, round, floor, ceil, sqrt, mod, coalesce, `if`, is_null, lower, upper, trim, length, contains]
    + [starts_with, ends_with, concat, replace, substr, left, right, split_part, year, month, fy, pct_change]
    + [number, money, text, date, try_number, try_money, try_date, format]

  private static let byName = Dictionary(uniqueKeysWithValues: functions.map { ($0.name, $0) })

  /// The function called `name` (as written, any case), if there is one.
  public static func function(named name: String) -> Builtin? { byName[name.lowercased()] }
}

extension Builtin: Equatable {
  public static func == (a: Builtin, b: Builtin) -> Bool { a.name == b.name }
}

/// A call being checked: its arguments' types, which the typing rule may
/// widen (an int argument to a number), and where each is written.
public struct Call {
  public let name: String
  public var types: [DataType]
  /// The call, and each argument, in the source.
  public let span: Span
  public let argumentSpans: [Span]
  /// The resolver's advice for an argument that should have been money (`write £3`).
  public let moneyHelp: (Int) -> String?

  public init(
    name: String, types: [DataType], span: Span, argumentSpans: [Span], moneyHelp: @escaping (Int) -> String?
  ) {
    self.name = name
    self.types = types
    self.span = span
    self.argumentSpans = argumentSpans
    self.moneyHelp = moneyHelp
  }

  public var count: Int { types.count }

  /// The number of arguments must be in `n`.
  public func arity(_ n: ClosedRange<Int>, _ usage: String) throws {
    guard n.contains(count) else {
      let number = n.lowerBound == n.upperBound ? "\(n.lowerBound)" : "\(n.lowerBound) or \(n.upperBound)"
      throw Diagnostic(
        "\(name) takes \(number) argument\(n.upperBound == 1 ? "" : "s")", at: span, help: "usage: \(usage)")
    }
  }

  /// At least one argument.
  public func atLeastOne(_ usage: String) throws {
    guard count > 0 else {
      throw Diagnostic("\(name) takes one or more arguments", at: span, help: "usage: \(usage)")
    }
  }

  /// Argument `i` must be one of `allowed` (or null).
  public func argument(_ i: Int, _ allowed: [DataType], _ usage: String) throws {
    let t = types[i]
    if t == .null || allowed.contains(t) { return }
    throw Diagnostic(
      "\(name) needs \(allowed.map(article).joined(separator: " or ")), not \(article(t))", at: argumentSpans[i],
      help: "usage: \(usage)")
  }

  /// Arguments `from` on share one type, which becomes theirs (ints
  /// with numbers are numbers); an error at the first that doesn't fit.
  public mutating func oneType(from first: Int = 0) throws -> DataType {
    var t = DataType.null
    for i in first..<count {
      guard let c = commonType(t, types[i]) else {
        throw Diagnostic(
          "\(name) needs values of one type; this is \(article(types[i])), the others \(article(t))",
          at: argumentSpans[i], help: t == .money ? moneyHelp(i) : nil)
      }
      t = c
    }
    for i in first..<count { widen(i, to: t) }
    return t
  }

  /// Argument `i` is read as `type`: an int as a number.
  public mutating func widen(_ i: Int, to type: DataType) {
    if types[i] == .int && type == .number { types[i] = .number }
  }
}

/// What a row's computation can report besides its value.
public struct Row {
  /// The call, for an error's position.
  public let span: Span
  /// Divisions by zero met (each gives null; the session warns once).
  public var divisionsByZero = 0
  /// Values `try_number`, `try_money` or `try_date` could not read (each
  /// gives null; the session warns once), and the first of them.
  public var unreadable = 0
  public var firstUnreadable: String?

  public init(span: Span) { self.span = span }

  /// Counts a value a `try_` function gives null for.
  public mutating func couldNotRead(_ text: String) {
    unreadable += 1
    if firstUnreadable == nil { firstUnreadable = text }
  }
}

/// A function's SQL: a rule over its arguments' SQL, or why there is none.
public enum SQL: Sendable {
  /// From the arguments' SQL, their types and the result's type. A rule
  /// throws `SQLRefusal` when one form of the call has no equivalent.
  case rule(
    @Sendable (_ arguments: [String], _ types: [DataType], _ result: DataType, _ dialect: SQLDialect) throws -> String)
  /// No SQL equivalent; the reason is shown to the user.
  case none(String)
}

/// Why a call can't be written in SQL: "round of money with digits".
public struct SQLRefusal: Error {
  public let what: String
  public init(_ what: String) { self.what = what }
}
