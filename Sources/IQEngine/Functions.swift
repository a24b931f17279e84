import Foundation
import IQBuiltins
import IQCore
import IQPlan

/// How the engine runs a scalar function over columns: each function's
/// own kernel (IQBuiltins) computes one row's value.
enum Functions {
  static func call(_ f: Builtin, _ args: [Column], rows: Int, type: DataType, span: Span, frame: Frame) throws
    -> Column
  {
    let n = args.allSatisfy { $0.count == 1 } ? 1 : rows
    if let r = try byDistinctValue(f, args, rows: n, type: type, span: span, frame: frame) { return r }
    var b = ColumnBuilder(type: type, capacity: n)
    var row = Row(span: span)
    for i in 0..<n {
      let vs = args.map { $0[$0.count == 1 ? 0 : i] }
      if !f.seesNulls && vs.contains(where: \.isNull) {
        b.append(.null)
      } else {
        b.append(try f.kernel(vs, &row))
      }
    }
    frame.warnings.divisionByZero(at: span, rows: row.divisionsByZero * (n == 1 ? rows : 1))
    if row.unreadable > 0, let first = row.firstUnreadable {
      let count = row.unreadable * (n == 1 ? rows : 1)
      frame.warnings.add(
        Diagnostic(
          "\(f.name) could not read \(groupThousands(String(count))) value\(count == 1 ? "" : "s") and gave null for "
            + "\(count == 1 ? "it" : "them") (the first: \(Value.text(first).literalText))", at: span,
          help: "to see them: where is_null(\(f.name)(x)) and not is_null(x)"))
    }
    return b.finish()
  }

  /// A function of one column whose values repeat (coded text, dates), the
  /// other arguments constants: worked out once for each different value in
  /// the rows, then spread to the rows. `year(admitted)` over ten million
  /// rows is a thousand calls. Functions that look at nulls, or count rows
  /// for a warning, go row by row.
  static func byDistinctValue(_ f: Builtin, _ args: [Column], rows: Int, type: DataType, span: Span, frame: Frame)
    throws -> Column?
  {
    guard rows > 64, f.perDistinctValue,
      let k = args.firstIndex(where: { $0.count > 1 }),
      args.indices.allSatisfy({ $0 == k || args[$0].count == 1 })
    else { return nil }
    let c = args[k]
    // For each row, its value's number among those present; -1 for null.
    var index = [Int](repeating: -1, count: rows)
    var present: [Int] = []
    func number(_ keys: Int, _ key: (Int) -> Int) -> [Int] {
      var slot = [Int](repeating: -1, count: keys)
      for i in 0..<rows where c.valid?[i] ?? true {
        let v = key(i)
        if slot[v] < 0 {
          slot[v] = present.count
          present.append(v)
        }
        index[i] = slot[v]
      }
      return present
    }
    let distinct: Column
    switch c.data {
    case .coded(let codes, let dictionary) where dictionary.count <= rows / 4:
      distinct = Column(.text(number(dictionary.count) { Int(codes[$0]) }.map { dictionary[$0] }))
    case .date(let days):
      var lo = Int32.max, hi = Int32.min
      for i in 0..<rows where c.valid?[i] ?? true {
        lo = min(lo, days[i])
        hi = max(hi, days[i])
      }
      guard lo <= hi, Int(hi) - Int(lo) < rows / 4 else { return nil }
      distinct = Column(.date(number(Int(hi - lo) + 1) { Int(days[$0] - lo) }.map { Int32($0) + lo }))
    default:
      return nil
    }
    var once = args
    once[k] = distinct
    return try call(f, once, rows: distinct.count, type: type, span: span, frame: frame).gather(index)
  }
}
