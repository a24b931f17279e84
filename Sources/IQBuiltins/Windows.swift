import IQCore

/// A window function, declared once: how a call is checked and typed, what
/// it computes within each `by` group in the current row order, its SQL,
/// and its help.
public struct Window: Sendable {
  public let name: String
  /// Its `.help` page; nil when another's page covers it (`lead` is under `lag`).
  public let help: HelpPage?
  public let typing: @Sendable (WindowCall) throws -> DataType
  public let kernel: @Sendable (WindowInput) throws -> Column
  /// Its SQL from its arguments' SQL and the `PARTITION BY … ` clause (or
  /// empty), or why it has none.
  public let sql: WindowSQL

  public var rawValue: String { name }

  /// Every window function, in the order `.help` lists them.
  public static let allCases: [Window] = [lag, lead, running_sum, row_number, rank]
}

extension Window: Equatable {
  public init?(rawValue: String) {
    guard let w = Window.allCases.first(where: { $0.name == rawValue }) else { return nil }
    self = w
  }

  public static func == (a: Window, b: Window) -> Bool { a.name == b.name }
}

public enum WindowSQL: Sendable {
  case rule(@Sendable (_ arguments: [String], _ partition: String, _ dialect: SQLDialect) throws -> String)
  case none(String)
}

/// A window call being checked.
public struct WindowCall {
  public let types: [DataType]
  /// Each argument's value where it is a constant.
  public let constants: [Value?]
  /// Whether the rows have an order from a sort (rank needs one).
  public let hasOrder: Bool
  public let span: Span
  public let argumentSpans: [Span]

  public init(types: [DataType], constants: [Value?], hasOrder: Bool, span: Span, argumentSpans: [Span]) {
    self.types = types
    self.constants = constants
    self.hasOrder = hasOrder
    self.span = span
    self.argumentSpans = argumentSpans
  }
}

/// What a window computes from: its arguments, the rows of each group in
/// order, the sort the rows are in, the result's type, and the call.
public struct WindowInput {
  public let arguments: [Column]
  public let members: [[Int]]
  public let rows: Int
  public let order: [(column: Column, descending: Bool)]?
  public let type: DataType
  public let span: Span
  public let cancellation: Cancellation

  public init(
    arguments: [Column], members: [[Int]], rows: Int, order: [(column: Column, descending: Bool)]?, type: DataType,
    span: Span, cancellation: Cancellation
  ) {
    self.cancellation = cancellation
    self.arguments = arguments
    self.members = members
    self.rows = rows
    self.order = order
    self.type = type
    self.span = span
  }

  /// Argument `i` as a full column (a constant repeated).
  func column(_ i: Int) -> Column { arguments[i].filled(to: rows) }
}

extension Window {
  public static let row_number = Window(
    name: "row_number",
    help: HelpPage(
      topic: "row_number", usage: "row_number()", summary: "1, 2, 3, … within each by group, in the current order.",
      example: "from areas | derive n = row_number() by region | where n == 1 | select region, name"),
    typing: { call in
      guard call.types.isEmpty else { throw Diagnostic("row_number() takes no arguments", at: call.span) }
      return .int
    },
    kernel: { input in
      var out = [Int64](repeating: 0, count: input.rows)
      for m in input.members {
        for (k, i) in m.enumerated() { out[i] = Int64(k + 1) }
      }
      return Column(.int(out))
    },
    sql: .rule { _, partition, d in "ROW_NUMBER() OVER (\(partition)ORDER BY _ord)" })

  public static let rank = Window(
    name: "rank",
    help: HelpPage(
      topic: "rank", usage: "rank()", summary: "Position by the last sort; rows that tie share a rank.",
      example:
        "from delayed_days | where month == @2016-01 | sort total desc | derive r = rank() | select area, total, r | take 3"
    ),
    typing: { call in
      guard call.types.isEmpty else { throw Diagnostic("rank() takes no arguments", at: call.span) }
      guard call.hasOrder else {
        throw Diagnostic(
          "rank() ranks rows by the last sort, and there is none", at: call.span,
          help: "sort first: | sort total desc | derive r = rank()")
      }
      return .int
    },
    kernel: { input in
      let comparators = (input.order ?? []).map { Sorting.comparator($0.column, descending: $0.descending) }
      var out = [Int64](repeating: 0, count: input.rows)
      for m in input.members {
        for (k, i) in m.enumerated() {
          if k > 0 && comparators.allSatisfy({ $0(m[k - 1], i) == 0 }) {
            out[i] = out[m[k - 1]]
          } else {
            out[i] = Int64(k + 1)
          }
        }
      }
      return Column(.int(out))
    },
    // The translation carries the last sort's ties as `_rk` (a dense rank
    // by its keys) while the rows keep its order.
    sql: .rule { _, partition, _ in "RANK() OVER (\(partition)ORDER BY _rk)" })

  public static let lag = shift(
    "lag", by: -1,
    help: HelpPage(
      topic: "lag", usage: "lag(x[, n]) · lead(x[, n])",
      summary: "The value n rows (default 1) before or after, within each by group, in the current order.",
      example:
        "from england | derive before = lag(total), change = total - lag(total) | select month, total, before, change | take 3"
    ))

  public static let lead = shift("lead", by: 1, help: nil)

  /// lag and lead: the value `n` rows before (-1) or after (1).
  private static func shift(_ name: String, by direction: Int, help: HelpPage?) -> Window {
    Window(
      name: name, help: help,
      typing: { call in
        guard call.types.count == 1 || call.types.count == 2 else {
          throw Diagnostic(
            "\(name) takes a column and an optional offset", at: call.span,
            help: "usage: \(name)(x) or \(name)(x, 12)")
        }
        if call.types.count == 2 {
          guard case .int(let n) = call.constants[1], n >= 0 else {
            throw Diagnostic("the offset of \(name) is a whole number of rows", at: call.argumentSpans[1])
          }
        }
        return call.types[0]
      },
      kernel: { input in
        let x = input.column(0)
        var offset = 1
        if input.arguments.count > 1, case .int(let n) = input.arguments[1][0] { offset = Int(n) }
        var pick = [Int](repeating: -1, count: input.rows)
        for m in input.members {
          for (k, i) in m.enumerated() {
            let j = k + direction * offset
            if j >= 0 && j < m.count { pick[i] = m[j] }
          }
        }
        return x.gather(pick)
      },
      sql: .rule { a, partition, d in
        "\(name.uppercased())(\(a[0]), \(a.count > 1 ? a[1] : "1")) OVER (\(partition)ORDER BY _ord)"
      })
  }

  public static let running_sum = Window(
    name: "running_sum",
    help: HelpPage(
      topic: "running_sum", usage: "running_sum(x)", summary: "The total so far, row by row, within each by group.",
      example:
        "from england | where fy == \"2015-16\" | derive so_far = running_sum(total) | select month, total, so_far | take 3"
    ),
    typing: { call in
      guard call.types.count == 1 else { throw Diagnostic("running_sum takes one argument", at: call.span) }
      guard [.int, .number, .money, .null].contains(call.types[0]) else {
        throw Diagnostic(
          "running_sum needs numbers or money, not \(article(call.types[0]))", at: call.argumentSpans[0])
      }
      return call.types[0]
    },
    kernel: { input in
      let x = input.column(0)
      var b = ColumnBuilder(type: input.type, capacity: input.rows)
      var out = [Value](repeating: .null, count: input.rows)
      for m in input.members {
        var total: Value = .null
        for i in m {
          try input.cancellation.poll(i)
          switch (total, x[i]) {
          case (_, .null): break
          case (.null, let v): total = v
          case (.int(let s), .int(let v)), (.money(let s), .money(let v)):
            let (r, o) = s.addingReportingOverflow(v)
            if o { throw Diagnostic("integer overflow in running_sum", at: input.span) }
            total = x.type == .money ? .money(r) : .int(r)
          case (.number(let s), .number(let v)):
            total = .number(try finite(s + v, in: "running_sum", span: input.span))
          default: break
          }
          out[i] = total
        }
      }
      for v in out { b.append(v) }
      return b.finish()
    },
    sql: .rule { a, partition, d in "SUM(\(a[0])) OVER (\(partition)ORDER BY _ord ROWS UNBOUNDED PRECEDING)" })
}
