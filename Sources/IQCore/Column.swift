import Foundation

/// Typed storage of one column. A value's slot holds a placeholder where it is null.
public enum ColumnData: Sendable {
  case bool([Bool])
  case int([Int64])
  case number([Double])
  /// Pence.
  case money([Int64])
  case text([String])
  /// Text as codes into a table of its different values, each once (the
  /// CSV reader's columns of areas, years and categories): 4 bytes a row,
  /// and grouping, joining, sorting and comparing work on the codes. The
  /// table is never empty, so a null row's code 0 always indexes it.
  case coded([UInt32], dictionary: [String])
  /// Days since 1970-01-01.
  case date([Int32])
  /// A column of nulls of no known type, with its length.
  case null(Int)
}

/// A column: typed values and, where any is missing, a validity mask.
/// Inside the evaluator a column of one row stands for a constant and
/// broadcasts to the rows of its table.
public struct Column: Sendable {
  public var data: ColumnData
  /// `valid[i]` is false where row i is null; nil when no row is.
  public var valid: [Bool]?

  public init(_ data: ColumnData, valid: [Bool]? = nil) {
    self.data = data
    self.valid = valid.flatMap { $0.contains(false) ? $0 : nil }
  }

  public var type: DataType {
    switch data {
    case .bool: return .bool
    case .int: return .int
    case .number: return .number
    case .money: return .money
    case .text, .coded: return .text
    case .date: return .date
    case .null: return .null
    }
  }

  public var count: Int {
    switch data {
    case .bool(let a): return a.count
    case .int(let a), .money(let a): return a.count
    case .number(let a): return a.count
    case .text(let a): return a.count
    case .coded(let a, _): return a.count
    case .date(let a): return a.count
    case .null(let n): return n
    }
  }

  @inline(__always) public func isNull(_ i: Int) -> Bool {
    if case .null = data { return true }
    return valid.map { !$0[i] } ?? false
  }

  public subscript(i: Int) -> Value {
    if isNull(i) { return .null }
    switch data {
    case .bool(let a): return .bool(a[i])
    case .int(let a): return .int(a[i])
    case .number(let a): return .number(a[i])
    case .money(let a): return .money(a[i])
    case .text(let a): return .text(a[i])
    case .coded(let a, let d): return .text(d[Int(a[i])])
    case .date(let a): return .date(a[i])
    case .null: return .null
    }
  }

  /// The rows at `indices`, in that order; -1 gives a null (left join).
  public func gather(_ indices: [Int]) -> Column { gather(indices, cancellation: nil) }

  /// `gather`, stopping soon after a Ctrl-C on `cancellation` (the rows
  /// not reached are left as placeholders: the caller throws).
  package func gather(_ indices: [Int], cancellation: Cancellation?) -> Column {
    let hasMissing = indices.contains(-1)
    func pick<T>(_ a: [T], _ fill: T) -> [T] {
      [T](unsafeUninitializedCapacity: indices.count) { out, count in
        a.withUnsafeBufferPointer { a in
          indices.withUnsafeBufferPointer { at in
            let out = out.baseAddress!
            var k = 0
            while k < at.count {
              let end = Swift.min(k + (1 << 16), at.count)
              if cancellation?.isRequested ?? false {
                (out + k).initialize(repeating: fill, count: at.count - k)
                break
              }
              if hasMissing {
                for j in k..<end { (out + j).initialize(to: at[j] < 0 ? fill : a[at[j]]) }
              } else {
                for j in k..<end { (out + j).initialize(to: a[at[j]]) }
              }
              k = end
            }
          }
        }
        count = indices.count
      }
    }
    var v: [Bool]? = nil
    if valid != nil || hasMissing {
      v = indices.map { $0 >= 0 && (valid?[$0] ?? true) }
    }
    switch data {
    case .bool(let a): return Column(.bool(pick(a, false)), valid: v)
    case .int(let a): return Column(.int(pick(a, 0)), valid: v)
    case .number(let a): return Column(.number(pick(a, 0)), valid: v)
    case .money(let a): return Column(.money(pick(a, 0)), valid: v)
    case .text(let a): return Column(.text(pick(a, "")), valid: v)
    case .coded(let a, let d): return Column(.coded(pick(a, 0), dictionary: d), valid: v)
    case .date(let a): return Column(.date(pick(a, 0)), valid: v)
    case .null: return Column(.null(indices.count))
    }
  }

  /// A column of `n` copies of a value.
  public static func repeating(_ value: Value, type: DataType, count n: Int) -> Column {
    var b = ColumnBuilder(type: type, capacity: n)
    for _ in 0..<n { b.append(value) }
    return b.finish()
  }

  /// This column as `type`: ints widen to numbers; an all-null column takes any type.
  public func widened(to type: DataType) -> Column {
    if self.type == type { return self }
    switch (data, type) {
    case (.int(let a), .number): return Column(.number(a.map(Double.init)), valid: valid)
    case (.null(let n), _): return Column.repeating(.null, type: type, count: n)
    default: return self
    }
  }

  /// A coded text column as plain text; any other column as it is.
  public func decoded() -> Column {
    guard case .coded(let codes, let d) = data else { return self }
    return Column(.text(codes.map { d[Int($0)] }), valid: valid)
  }

  /// Rows `range` of this column.
}

/// Builds a column of a known type value by value (CSV reading, aggregates, conversions).
public struct ColumnBuilder {
  public let type: DataType
  var bools: [Bool] = []
  var ints: [Int64] = []
  var numbers: [Double] = []
  var texts: [String] = []
  var dates: [Int32] = []
  var valid: [Bool] = []
  var anyNull = false
  var nulls = 0

  public init(type: DataType, capacity: Int = 0) {
    self.type = type
    valid.reserveCapacity(capacity)
    switch type {
    case .bool: bools.reserveCapacity(capacity)
    case .int, .money: ints.reserveCapacity(capacity)
    case .number: numbers.reserveCapacity(capacity)
    case .text: texts.reserveCapacity(capacity)
    case .date: dates.reserveCapacity(capacity)
    case .null: break
    }
  }

  public mutating func append(_ v: Value) {
    if case .null = v {
      appendNull()
      return
    }
    valid.append(true)
    switch (type, v) {
    case (.bool, .bool(let x)): bools.append(x)
    case (.int, .int(let x)), (.money, .money(let x)): ints.append(x)
    case (.number, .number(let x)): numbers.append(x)
    case (.number, .int(let x)): numbers.append(Double(x))
    case (.text, .text(let x)): texts.append(x)
    case (.date, .date(let x)): dates.append(x)
    default: preconditionFailure("a \(v.type) value in a \(type) column")
    }
  }

  public mutating func appendNull() {
    anyNull = true
    valid.append(false)
    nulls += 1
    switch type {
    case .bool: bools.append(false)
    case .int, .money: ints.append(0)
    case .number: numbers.append(0)
    case .text: texts.append("")
    case .date: dates.append(0)
    case .null: break
    }
  }

  public func finish() -> Column {
    let v = anyNull ? valid : nil
    switch type {
    case .bool: return Column(.bool(bools), valid: v)
    case .int: return Column(.int(ints), valid: v)
    case .money: return Column(.money(ints), valid: v)
    case .number: return Column(.number(numbers), valid: v)
    case .text: return Column(.text(texts), valid: v)
    case .date: return Column(.date(dates), valid: v)
    case .null: return Column(.null(nulls))
    }
  }
}

/// A name and a type: one column of a schema.
public struct Field: Equatable, Sendable {
  public var name: String
  public var type: DataType
  /// Made by `year(…)` (or a copy of such a column): table mode shows
  /// `2015`, not `2,015`, whatever the column is called.
  public var isYear = false
  public init(_ name: String, _ type: DataType, isYear: Bool = false) {
    self.name = name
    self.type = type
    self.isYear = isYear
  }
}

/// A result: named typed columns of equal length, and the keys of the
/// last sort, which windows and `rank()` follow.
public struct Table: Sendable {
  public var fields: [Field]
  public var columns: [Column]
  public var rowCount: Int
  /// The sort keys the rows are in order of (their values, row by row), if any.
  public var order: [(column: Column, descending: Bool)]?

  public init(fields: [Field], columns: [Column], rowCount: Int? = nil) {
    self.fields = fields
    self.columns = columns
    self.rowCount = rowCount ?? columns.first?.count ?? 0
  }

  public func column(named name: String) -> Column? {
    fields.firstIndex { $0.name == name }.map { columns[$0] }
  }

  /// The rows at `indices`, with the order keys kept in step.
  public func gather(_ indices: [Int]) -> Table {
    try! gather(indices, cancellation: nil)  // without a cancellation, nothing throws
  }

  /// `gather`, stopping with "query cancelled" soon after a Ctrl-C (a
  /// sort's or a join's output can be a hundred million values).
  package func gatherCancellably(_ indices: [Int], cancellation: Cancellation) throws -> Table {
    try gather(indices, cancellation: cancellation)
  }

  /// Large tables' columns are gathered on every core, one column each.
  private func gather(_ indices: [Int], cancellation: Cancellation?) throws -> Table {
    let all = columns + (order ?? []).map(\.column)
    var gathered: [Column] = []
    try cancellation?.check()
    if indices.count >= 1 << 16 && all.count > 1 {
      gathered = [Column](unsafeUninitializedCapacity: all.count) { out, count in
        let out = out
        DispatchQueue.concurrentPerform(iterations: all.count) {
          (out.baseAddress! + $0).initialize(to: all[$0].gather(indices, cancellation: cancellation))
        }
        count = all.count
      }
    } else {
      for c in all { gathered.append(c.gather(indices, cancellation: cancellation)) }
    }
    try cancellation?.check()
    var t = Table(fields: fields, columns: Array(gathered.prefix(columns.count)), rowCount: indices.count)
    t.order = order.map { zip(gathered.dropFirst(columns.count), $0).map { ($0, $1.descending) } }
    return t
  }
}

extension Column {
  /// Each value as a number (money in pounds), as a chart plots it; nil
  /// where there is none or it is not finite.
  public var plottedNumbers: [Double?] {
    (0..<count).map { i in
      switch self[i] {
      case .int(let v): return Double(v)
      case .number(let v): return v.isFinite ? v : nil
      case .money(let p): return Double(p) / 100
      default: return nil
      }
    }
  }
}

extension Column {
  /// A column of `rows` rows: a one-row column that stands for a constant
  /// is repeated; a full one is as it is.
  package func filled(to rows: Int) -> Column {
    count == rows ? self : gather([Int](repeating: 0, count: rows))
  }
}
