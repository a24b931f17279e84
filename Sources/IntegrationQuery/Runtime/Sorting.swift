/// Typed comparisons of rows for sort, top, min and max. Nulls sort last in
/// both directions; text compares by code point.
enum Sorting {
  typealias Comparator = (Int, Int) -> Int

  static func comparator(_ c: Column, descending: Bool) -> Comparator {
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
    case .null: return { _, _ in 0 }
    }
  }

  /// A stable ordering of rows by several keys.
  static func permutation(rows: Int, keys: [(Column, descending: Bool)]) -> [Int] {
    let comparators = keys.map { comparator($0.0, descending: $0.descending) }
    return Array(0..<rows).sorted { i, j in
      for c in comparators {
        let r = c(i, j)
        if r != 0 { return r < 0 }
      }
      return i < j
    }
  }
}
