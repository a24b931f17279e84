/// Dense group numbers for rows by the values of key columns: the basis of
/// summarize, distinct, join and `by` in derive.
package struct Grouping {
  /// For each row, its group, numbered in order of first appearance.
  package var groupOf: [Int]
  /// For each group, its first row.
  package var firstRow: [Int]
  package var count: Int { firstRow.count }

  /// One group of every row.
  package static func single(rows: Int) -> Grouping {
    Grouping(groupOf: [Int](repeating: 0, count: rows), firstRow: [0])
  }

  init(groupOf: [Int], firstRow: [Int]) {
    self.groupOf = groupOf
    self.firstRow = firstRow
  }

  /// Groups rows by the keys; nulls group together.
  package init(keys: [Column], rows: Int, cancellation: Cancellation) throws {
    if keys.isEmpty {
      self = .single(rows: rows)
      return
    }
    // Each key column becomes dense codes; several are combined pairwise.
    var codes = try Grouping.codes(keys[0], rows: rows, cancellation: cancellation)
    for k in keys.dropFirst() {
      let next = try Grouping.codes(k, rows: rows, cancellation: cancellation)
      var combined = [Int](repeating: 0, count: rows)
      var count = 0
      if codes.cardinality * next.cardinality <= max(rows, 1 << 16) {
        // Few enough pairs for a table with a slot for each: no hashing.
        var slot = [Int](repeating: -1, count: codes.cardinality * next.cardinality)
        for i in 0..<rows {
          try cancellation.poll(i)
          let s = codes.codes[i] * next.cardinality + next.codes[i]
          if slot[s] < 0 {
            slot[s] = count
            count += 1
          }
          combined[i] = slot[s]
        }
      } else {
        var pairs: [Pair: Int] = [:]
        for i in 0..<rows {
          try cancellation.poll(i)
          let key = Pair(a: codes.codes[i], b: next.codes[i])
          if let g = pairs[key] {
            combined[i] = g
          } else {
            combined[i] = pairs.count
            pairs[key] = pairs.count
          }
        }
        count = pairs.count
      }
      codes = (combined, count)
    }
    var first = [Int](repeating: -1, count: codes.cardinality)
    var order = [Int](repeating: -1, count: codes.cardinality)
    var groupOf = [Int](repeating: 0, count: rows)
    var firstRow: [Int] = []
    for i in 0..<rows {
      try cancellation.poll(i)
      let c = codes.codes[i]
      if first[c] < 0 {
        first[c] = i
        order[c] = firstRow.count
        firstRow.append(i)
      }
      groupOf[i] = order[c]
    }
    self.groupOf = groupOf
    self.firstRow = firstRow
  }

  package struct Pair: Hashable {
    var a: Int
    var b: Int

    package init(a: Int, b: Int) {
      self.a = a
      self.b = b
    }
  }

  /// Dense codes for one column's values; null is a value of its own.
  package static func codes(_ c: Column, rows: Int, cancellation: Cancellation) throws -> (
    codes: [Int], cardinality: Int
  ) {
    let anyNull = c.valid != nil
    func encode<T: Hashable>(_ key: (Int) -> T) throws -> ([Int], Int) {
      var map: [T: Int] = [:]
      var nullCode = -1
      var out = [Int](repeating: 0, count: rows)
      for i in 0..<rows {
        try cancellation.poll(i)
        if anyNull && c.isNull(i) {
          if nullCode < 0 { nullCode = map.count }
          out[i] = nullCode
          continue
        }
        let next = map.count + (nullCode >= 0 ? 1 : 0)
        out[i] = map[key(i), default: next]
        if out[i] == next { map[key(i)] = next }
      }
      return (out, map.count + (nullCode >= 0 ? 1 : 0))
    }
    func at<T>(_ a: [T]) -> (Int) -> T { a.count == 1 ? { _ in a[0] } : { a[$0] } }
    /// Whole numbers in a narrow range (months, years, small counts): a
    /// slot for each number in it rather than hashing, numbered the same.
    func dense<T: FixedWidthInteger>(_ a: [T]) throws -> ([Int], Int)? {
      guard a.count == rows, rows > 0 else { return nil }
      var lo = a[0], hi = a[0]
      for x in a {
        lo = Swift.min(lo, x)
        hi = Swift.max(hi, x)
      }
      let (difference, overflow) = hi.subtractingReportingOverflow(lo)
      guard !overflow, let span = Int(exactly: difference), span < Swift.max(rows, 1 << 16) else { return nil }
      var slot = [Int](repeating: -1, count: span + 2)  // the last: null
      var next = 0
      var out = [Int](repeating: 0, count: rows)
      for i in 0..<rows {
        try cancellation.poll(i)
        let k = anyNull && c.isNull(i) ? span + 1 : Int(a[i] - lo)
        if slot[k] < 0 {
          slot[k] = next
          next += 1
        }
        out[i] = slot[k]
      }
      return (out, next)
    }
    switch c.data {
    case .bool(let a): return try encode(at(a))
    case .int(let a), .money(let a): return try dense(a) ?? encode(at(a))
    case .number(let a):
      let get = at(a)
      return try encode { get($0) == 0 ? 0 : get($0) }  // -0.0 groups with 0
    case .text(let a):
      let get = at(a)
      return try encode { CodePointString(get($0)) }
    case .coded(let a, let dictionary):
      // The dictionary's entries differ, so its codes are the groups:
      // renumber them in order of first appearance, null first where it is.
      var dense = [Int](repeating: -1, count: dictionary.count + 1)
      var next = 0
      var out = [Int](repeating: 0, count: rows)
      let single = a.count == 1
      for i in 0..<rows {
        try cancellation.poll(i)
        let j = single ? 0 : i
        let k = anyNull && c.isNull(j) ? dictionary.count : Int(a[j])
        if dense[k] < 0 {
          dense[k] = next
          next += 1
        }
        out[i] = dense[k]
      }
      return (out, next)
    case .date(let a): return try dense(a) ?? encode(at(a))
    case .null: return ([Int](repeating: 0, count: rows), 1)
    }
  }
}

/// A string compared and hashed by its code points, as SQLite and DuckDB
/// do, not by Swift's canonical equivalence.
package struct CodePointString: Hashable, Comparable {
  var s: String
  package init(_ s: String) { self.s = s }
  package static func == (a: Self, b: Self) -> Bool { a.s.utf8.elementsEqual(b.s.utf8) }
  // Equal code points are canonically equal too, so String's hash agrees.
  package func hash(into h: inout Hasher) { h.combine(s) }
  package static func < (a: Self, b: Self) -> Bool { a.s.utf8.lexicographicallyPrecedes(b.s.utf8) }
}

/// Different texts numbered in order of first appearance, compared by
/// code points: the dictionary of a coded column as it is built.
package struct TextCodes {
  package private(set) var dictionary: [String] = []
  private var index: [CodePointString: UInt32] = [:]

  /// Starting from a dictionary (whose entries differ), keeping its codes.
  package init(_ dictionary: [String] = []) { for s in dictionary { _ = code(s) } }

  package mutating func code(_ s: String) -> UInt32 {
    let key = CodePointString(s)
    if let code = index[key] { return code }
    let code = UInt32(dictionary.count)
    index[key] = code
    dictionary.append(s)
    return code
  }
}
