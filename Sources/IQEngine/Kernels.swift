import IQCore
import IQSyntax

/// Column-at-a-time operators. A column of one row broadcasts.
enum Kernels {
  /// Validity of a result from two inputs: a row is null where either is.
  static func validity(_ a: Column, _ b: Column, rows: Int) -> [Bool]? {
    if a.valid == nil && b.valid == nil && !isNullColumn(a) && !isNullColumn(b) { return nil }
    return (0..<rows).map { !a.isNull(a.count == 1 ? 0 : $0) && !b.isNull(b.count == 1 ? 0 : $0) }
  }

  static func isNullColumn(_ c: Column) -> Bool {
    if case .null = c.data { return true }
    return false
  }

  /// The row count of a result: 1 when both inputs are constants.
  static func width(_ a: Column, _ b: Column, _ rows: Int) -> Int {
    a.count == 1 && b.count == 1 ? 1 : rows
  }

  /// Applies `f` row by row to two typed arrays; `f` returning nil gives null.
  static func zip<A, B, R>(
    _ a: [A], _ b: [B], _ valid: [Bool]?, rows n: Int, fill: R, _ f: (A, B) throws -> R?
  ) rethrows -> ([R], [Bool]?) {
    var out = [R](repeating: fill, count: n)
    var v = valid
    let sa = a.count == 1, sb = b.count == 1
    for i in 0..<n {
      if let valid, !valid[i] { continue }
      if let r = try f(a[sa ? 0 : i], b[sb ? 0 : i]) {
        out[i] = r
      } else {
        if v == nil { v = [Bool](repeating: true, count: n) }
        v![i] = false
      }
    }
    return (out, v)
  }

  static func negate(_ c: Column, span: Span) throws -> Column {
    switch c.data {
    case .int(let a), .money(let a):
      if a.indices.contains(where: { a[$0] == Int64.min && !c.isNull($0) }) {
        throw Diagnostic("integer overflow: the negative of the smallest int", at: span)
      }
      let r = a.map { $0 == .min ? 0 : -$0 }
      return Column(c.type == .money ? .money(r) : .int(r), valid: c.valid)
    case .number(let a): return Column(.number(a.map { -$0 }), valid: c.valid)
    default: return c
    }
  }

  static func not(_ c: Column) -> Column {
    guard case .bool(let a) = c.data else { return c }
    return Column(.bool(a.map { !$0 }), valid: c.valid)
  }

  static func overflow(_ op: BinaryOp, span: Span) -> Diagnostic {
    Diagnostic(
      "integer overflow in '\(op.rawValue)': the result is past ±9,223,372,036,854,775,807", at: span,
      help: "convert to a number first: number(x) \(op.rawValue) …")
  }

  static func arithmetic(_ op: BinaryOp, _ a: Column, _ b: Column, rows: Int, type: DataType, span: Span, frame: Frame)
    throws -> Column
  {
    let n = width(a, b, rows)
    let valid = validity(a, b, rows: n)
    var divisionsByZero = 0
    // A constant's division by zero happens on every row it stands for.
    defer { frame.warnings.divisionByZero(at: span, rows: divisionsByZero * (n == 1 ? rows : 1)) }
    switch (a.data, b.data) {
    case (.null, _), (_, .null):
      return Column.repeating(.null, type: type, count: n)

    case (.int(let x), .int(let y)),
      (.money(let x), .money(let y)) where op != .divide:
      let (r, v) = try zip(x, y, valid, rows: n, fill: Int64(0)) { p, q -> Int64? in
        let (result, overflowed): (Int64, Bool)
        switch op {
        case .add: (result, overflowed) = p.addingReportingOverflow(q)
        case .subtract: (result, overflowed) = p.subtractingReportingOverflow(q)
        default: (result, overflowed) = p.multipliedReportingOverflow(by: q)
        }
        if overflowed { throw overflow(op, span: span) }
        return result
      }
      return Column(type == .money ? .money(r) : .int(r), valid: v)

    case (.money(let x), .money(let y)):
      // money / money is a plain ratio.
      let (r, v) = zip(x, y, valid, rows: n, fill: 0.0) { p, q -> Double? in
        if q == 0 { divisionsByZero += 1 }
        return q == 0 ? nil : Double(p) / Double(q)
      }
      return Column(.number(r), valid: v)

    case (.number(let x), .number(let y)):
      let (r, v) = try zip(x, y, valid, rows: n, fill: 0.0) { p, q -> Double? in
        let r: Double
        switch op {
        case .add: r = p + q
        case .subtract: r = p - q
        case .multiply: r = p * q
        default:
          if q == 0 {
            divisionsByZero += 1
            return nil
          }
          r = p / q
        }
        return try finite(r, in: "'\(op.rawValue)'", span: span)
      }
      return Column(.number(r), valid: v)

    case (.money(let x), .number(let y)):
      let (r, v) = try zip(x, y, valid, rows: n, fill: Int64(0)) { p, q -> Int64? in
        if op == .divide && q == 0 {
          divisionsByZero += 1
          return nil
        }
        guard let r = op == .divide ? Money.divide(p, by: q) : Money.multiply(p, by: q) else {
          throw overflow(op, span: span)
        }
        return r
      }
      return Column(.money(r), valid: v)

    case (.number(let x), .money(let y)):
      let (r, v) = try zip(x, y, valid, rows: n, fill: Int64(0)) { q, p -> Int64? in
        guard let r = Money.multiply(p, by: q) else { throw overflow(op, span: span) }
        return r
      }
      return Column(.money(r), valid: v)

    case (.date, _):
      return try dateArithmetic(op, a, b, valid, rows: n, span: span)

    default:
      preconditionFailure("no kernel for \(a.type) \(op.rawValue) \(b.type)")
    }
  }

  /// date ± days is a date; date − date is days.
  static func dateArithmetic(_ op: BinaryOp, _ a: Column, _ b: Column, _ valid: [Bool]?, rows n: Int, span: Span)
    throws -> Column
  {
    switch (a.data, b.data) {
    case (.date(let x), .int(let y)):
      let (r, v) = try zip(x, y, valid, rows: n, fill: Int32(0)) { d, k -> Int32? in
        let days = op == .add ? Int64(d) + k : Int64(d) - k
        guard let r = Int32(exactly: days), abs(days) < 3_000_000 else {
          throw Diagnostic("date out of range", at: span)
        }
        return r
      }
      return Column(.date(r), valid: v)
    case (.date(let x), .date(let y)):
      let (r, v) = zip(x, y, valid, rows: n, fill: Int64(0)) { p, q in Int64(p) - Int64(q) }
      return Column(.int(r), valid: v)
    default:
      preconditionFailure("no kernel for \(a.type) \(op.rawValue) \(b.type)")
    }
  }

  static func compare(_ op: BinaryOp, _ a: Column, _ b: Column, rows: Int) -> Column {
    let n = width(a, b, rows)
    let valid = validity(a, b, rows: n)
    func run<T>(_ x: [T], _ y: [T], _ less: @escaping (T, T) -> Bool, _ equal: @escaping (T, T) -> Bool) -> Column {
      let test: (T, T) -> Bool
      switch op {
      case .equal: test = equal
      case .notEqual: test = { !equal($0, $1) }
      case .less: test = less
      case .lessEqual: test = { !less($1, $0) }
      case .greater: test = { less($1, $0) }
      default: test = { !less($0, $1) }
      }
      let (r, v) = zip(x, y, valid, rows: n, fill: false) { test($0, $1) }
      return Column(.bool(r), valid: v)
    }
    if n > 1, let (answers, codes) = dictionaryTest(op, a, b) {
      // A coded column against one value: each different text is compared
      // once, and each row looks up its code's answer.
      return Column(.bool(codes.map { answers[Int($0)] }), valid: valid)
    }
    if case .coded = a.data { return compare(op, a.decoded(), b, rows: rows) }
    if case .coded = b.data { return compare(op, a, b.decoded(), rows: rows) }
    switch (a.data, b.data) {
    case (.int(let x), .int(let y)), (.money(let x), .money(let y)):
      if let out = ordered(op, x, y, rows: n, valid: valid) { return Column(.bool(out), valid: valid) }
    case (.number(let x), .number(let y)):
      if let out = ordered(op, x, y, rows: n, valid: valid) { return Column(.bool(out), valid: valid) }
    case (.date(let x), .date(let y)):
      if let out = ordered(op, x, y, rows: n, valid: valid) { return Column(.bool(out), valid: valid) }
    default: break
    }
    switch (a.data, b.data) {
    case (.int(let x), .int(let y)), (.money(let x), .money(let y)): return run(x, y, <, ==)
    case (.number(let x), .number(let y)): return run(x, y, <, ==)
    case (.date(let x), .date(let y)): return run(x, y, <, ==)
    case (.bool(let x), .bool(let y)): return run(x, y, { !$0 && $1 }, ==)
    case (.text(let x), .text(let y)):
      return run(x, y, { $0.utf8.lexicographicallyPrecedes($1.utf8) }, { $0.utf8.elementsEqual($1.utf8) })
    default:
      return Column.repeating(.null, type: .bool, count: n)
    }
  }

  /// A comparison of two arrays of `rows` values or one (a constant), in
  /// one loop per operator with no call per row; false where a row is null.
  /// Nil when the arrays are neither (the general path then answers).
  @inline(__always) static func ordered<T: Comparable>(
    _ op: BinaryOp, _ x: [T], _ y: [T], rows n: Int, valid: [Bool]?
  ) -> [Bool]? {
    guard x.count == n || x.count == 1, y.count == n || y.count == 1, !x.isEmpty, !y.isEmpty else { return nil }
    // Index masks: all ones walks the array, zero stays on its one value.
    let mx = x.count == 1 ? 0 : ~0, my = y.count == 1 ? 0 : ~0
    var out = [Bool](unsafeUninitializedCapacity: n) { out, count in
      x.withUnsafeBufferPointer { x in
        y.withUnsafeBufferPointer { y in
          switch op {
          case .equal: for i in 0..<n { out[i] = x[i & mx] == y[i & my] }
          case .notEqual: for i in 0..<n { out[i] = x[i & mx] != y[i & my] }
          case .less: for i in 0..<n { out[i] = x[i & mx] < y[i & my] }
          case .lessEqual: for i in 0..<n { out[i] = !(y[i & my] < x[i & mx]) }
          case .greater: for i in 0..<n { out[i] = y[i & my] < x[i & mx] }
          default: for i in 0..<n { out[i] = !(x[i & mx] < y[i & my]) }
          }
        }
      }
      count = n
    }
    if let valid { for i in 0..<n where !valid[i] { out[i] = false } }
    return out
  }

  /// When one side is a coded column and the other one value, the test's
  /// answer for each entry of the column's dictionary, and the column's codes.
  static func dictionaryTest(_ op: BinaryOp, _ a: Column, _ b: Column) -> ([Bool], [UInt32])? {
    let answers: Column, codes: [UInt32]
    if case .coded(let c, let d) = a.data, b.count == 1, a.count > 1 {
      (answers, codes) = (compare(op, Column(.text(d)), b.decoded(), rows: d.count), c)
    } else if case .coded(let c, let d) = b.data, a.count == 1, b.count > 1 {
      (answers, codes) = (compare(op, a.decoded(), Column(.text(d)), rows: d.count), c)
    } else {
      return nil
    }
    guard case .bool(let table) = answers.data else { return nil }
    return (table, codes)
  }

  /// Three-valued `and` / `or`.
  static func logic(_ op: BinaryOp, _ a: Column, _ b: Column, rows: Int) -> Column {
    let n = width(a, b, rows)
    // Neither side has a null: one loop over the two arrays.
    if a.valid == nil, b.valid == nil, case .bool(let x) = a.data, case .bool(let y) = b.data,
      x.count == n || x.count == 1, y.count == n || y.count == 1, !x.isEmpty, !y.isEmpty
    {
      let mx = x.count == 1 ? 0 : ~0, my = y.count == 1 ? 0 : ~0
      // A Bool is the byte 0 or 1: `and` and `or` of the bytes, without branches.
      let out = [Bool](unsafeUninitializedCapacity: n) { out, count in
        x.withUnsafeBytes { x in
          y.withUnsafeBytes { y in
            let o = UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: UInt8.self)
            if op == .and {
              for i in 0..<n { o[i] = x[i & mx] & y[i & my] }
            } else {
              for i in 0..<n { o[i] = x[i & mx] | y[i & my] }
            }
          }
        }
        count = n
      }
      return Column(.bool(out))
    }
    func value(_ c: Column, _ i: Int) -> Bool? {
      let j = c.count == 1 ? 0 : i
      if c.isNull(j) { return nil }
      if case .bool(let x) = c.data { return x[j] }
      return nil
    }
    var out = [Bool](repeating: false, count: n)
    var valid = [Bool](repeating: true, count: n)
    for i in 0..<n {
      let p = value(a, i), q = value(b, i)
      if op == .and {
        if p == false || q == false {
          out[i] = false
        } else if p == nil || q == nil {
          valid[i] = false
        } else {
          out[i] = true
        }
      } else {
        if p == true || q == true {
          out[i] = true
        } else if p == nil || q == nil {
          valid[i] = false
        } else {
          out[i] = false
        }
      }
    }
    return Column(.bool(out), valid: valid)
  }
}
