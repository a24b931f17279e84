/// Typed comparisons of rows for sort, top, min and max. Nulls sort last in
/// both directions; text compares by code point.
package enum Sorting {
  package typealias Comparator = (Int, Int) -> Int

  package static func comparator(_ c: Column, descending: Bool) -> Comparator {
    let sign = descending ? -1 : 1
    func typed<T>(_ a: [T], _ less: @escaping (T, T) -> Bool) -> Comparator {
      let single = a.count == 1
      return { i, j in
        let ni = c.isNull(single ? 0 : i), nj = c.isNull(single ? 0 : j)
        if ni || nj { return ni == nj ? 0 : (ni ? 1 : -1) }
        let x = a[single ? 0 : i], y = a[single ? 0 : j]
        if less(x, y) { return -sign }
        if less(y, x) { return sign }
        return 0
      }
    }
    switch c.data {
    case .bool(let a): return typed(a) { !$0 && $1 }
    case .int(let a), .money(let a): return typed(a, <)
    case .number(let a): return typed(a, <)
    case .date(let a): return typed(a, <)
    case .text(let a): return typed(a) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    case .coded(let a, let dictionary):
      // Each code's place in the sorted dictionary: rows compare as ints.
      let sorted = dictionary.indices.sorted { dictionary[$0].utf8.lexicographicallyPrecedes(dictionary[$1].utf8) }
      var rank = [UInt32](repeating: 0, count: dictionary.count)
      for (r, code) in sorted.enumerated() { rank[code] = UInt32(r) }
      return typed(a.map { rank[Int($0)] }, <)
    case .null: return { _, _ in 0 }
    }
  }

  /// The first `n` rows of the stable order by `key`.
  package static func top(_ n: Int, rows: Int, key: Column, descending: Bool, cancellation: Cancellation) throws
    -> [Int]
  {
    try top(n, rows: rows, keys: [(key, descending)], cancellation: cancellation)
  }

  /// The first `n` rows of the stable order by the keys, without sorting
  /// them all: a heap keeps the best `n` seen so far (`sort … | take n`).
  package static func top(_ n: Int, rows: Int, keys: [(Column, descending: Bool)], cancellation: Cancellation)
    throws -> [Int]
  {
    guard n > 0 else { return [] }
    if n * 16 >= rows {
      return Array(try permutation(rows: rows, keys: keys, cancellation: cancellation).prefix(n))
    }
    let compare: Comparator
    if let packed = try packedCodes(rows: rows, keys: keys, cancellation: cancellation) {
      let codes = packed.map(\.codes)
      compare = { i, j in
        for c in codes where c[i] != c[j] { return c[i] < c[j] ? -1 : 1 }
        return 0
      }
    } else {
      compare = rowComparator(keys)
    }
    // Row a comes before row b: by the keys, then by position (stability).
    func before(_ a: Int, _ b: Int) -> Bool {
      let r = compare(a, b)
      return r != 0 ? r < 0 : a < b
    }
    // A max-heap on `before`: its root is the worst of the best n.
    var heap: [Int] = []
    heap.reserveCapacity(n)
    func siftDown(_ start: Int) {
      var i = start
      while true {
        let l = 2 * i + 1, r = l + 1
        var worst = i
        if l < heap.count && before(heap[worst], heap[l]) { worst = l }
        if r < heap.count && before(heap[worst], heap[r]) { worst = r }
        if worst == i { return }
        heap.swapAt(i, worst)
        i = worst
      }
    }
    for row in 0..<rows {
      try cancellation.poll(row)
      if heap.count < n {
        heap.append(row)
        var i = heap.count - 1
        while i > 0 && before(heap[(i - 1) / 2], heap[i]) {
          heap.swapAt(i, (i - 1) / 2)
          i = (i - 1) / 2
        }
      } else if before(row, heap[0]) {
        heap[0] = row
        siftDown(0)
      }
    }
    return heap.sorted(by: before)
  }

  /// A stable ordering of rows by several keys: by their codes (OrderCodes.swift)
  /// when they can be coded, else by comparing values.
  package static func permutation(rows: Int, keys: [(Column, descending: Bool)], cancellation: Cancellation) throws
    -> [Int]
  {
    if rows > 1, rows <= Int(UInt32.max),
      let packed = try packedCodes(rows: rows, keys: keys, cancellation: cancellation)
    {
      return try radixPermutation(rows: rows, keys: packed, cancellation: cancellation)
    }
    return try comparedPermutation(rows: rows, keys: keys, cancellation: cancellation)
  }

  /// The same order by comparing rows' values, key by key: what the codes
  /// are tested against, and the way when a key can't be coded.
  static func comparedPermutation(rows: Int, keys: [(Column, descending: Bool)], cancellation: Cancellation)
    throws -> [Int]
  {
    try stableSort(rows, cancellation: cancellation, by: rowComparator(keys))
  }

  static func rowComparator(_ keys: [(Column, descending: Bool)]) -> Comparator {
    let comparators = keys.map { comparator($0.0, descending: $0.descending) }
    return { i, j in
      for c in comparators {
        let r = c(i, j)
        if r != 0 { return r }
      }
      return 0
    }
  }

  /// The rows 0..<n in a stable order by `compare` (negative: i first).
  /// Runs of 16,384 rows are sorted by the standard library (ties broken
  /// by position, which is stability), then merged pairwise; Ctrl-C is
  /// checked between runs and within merges, so a sort of many millions of rows
  /// stops within moments rather than when it is done.
  static func stableSort(_ n: Int, cancellation: Cancellation, by compare: (Int, Int) -> Int) throws -> [Int] {
    var a = Array(0..<n)
    guard n > 1 else { return a }
    let run = 1 << 14
    for start in stride(from: 0, to: n, by: run) {
      try cancellation.check()
      a[start..<min(start + run, n)].sort { i, j in
        let r = compare(i, j)
        return r != 0 ? r < 0 : i < j
      }
    }
    var b = [Int](repeating: 0, count: n)
    var width = run
    while width < n {
      try a.withUnsafeMutableBufferPointer { src in
        try b.withUnsafeMutableBufferPointer { dst in
          var lo = 0
          while lo < n {
            try cancellation.check()
            let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
            var i = lo, j = mid, k = lo
            // Already in order: the pair is copied as it is.
            if mid < hi && compare(src[mid], src[mid - 1]) < 0 {
              while i < mid && j < hi {
                try cancellation.poll(k)
                // Only a strictly smaller right row goes first: stable.
                if compare(src[j], src[i]) < 0 {
                  dst[k] = src[j]
                  j += 1
                } else {
                  dst[k] = src[i]
                  i += 1
                }
                k += 1
              }
            }
            while i < mid {
              dst[k] = src[i]
              i += 1
              k += 1
            }
            while j < hi {
              dst[k] = src[j]
              j += 1
              k += 1
            }
            lo = hi
          }
        }
      }
      swap(&a, &b)
      width *= 2
    }
    return a
  }
}
