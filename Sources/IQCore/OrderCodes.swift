import Foundation

/// Sorting on fixed-width keys: each key column becomes one unsigned code
/// per row that orders as the values do (text by its rank in the sorted
/// different values, numbers by their bits), keys narrow enough share one
/// code, and the rows are put in order by a stable radix sort over the
/// codes' bytes, on every core. No comparison of two values happens at
/// all, which is what made a closure-per-comparison merge sort slow.
extension Sorting {
  /// One key's codes: equal values have equal codes, codes order as the
  /// values do in the key's direction, and a null's code is above every
  /// value's (nulls last both ways). `width` is the bits the codes need.
  struct KeyCodes {
    var codes: [UInt64]
    var width: Int
  }

  /// The codes of a key column over `rows` rows; nil when every row has the
  /// same value (a constant, or all null), so the key orders nothing, and
  /// also when the codes and a null would need more than 64 bits.
  static func keyCodes(_ c: Column, descending: Bool, rows: Int, cancellation: Cancellation) throws -> KeyCodes?? {
    let valid = c.valid
    // Codes in `raw` order; then shifted down by the smallest value's.
    func build<T>(_ a: [T], _ raw: (T) -> UInt64) -> KeyCodes?? {
      if a.count == 1 && rows != 1 { return .some(nil) }
      var out = [UInt64](repeating: 0, count: rows)
      var lo = UInt64.max
      var hi = UInt64.min
      let flip: UInt64 = descending ? ~0 : 0
      out.withUnsafeMutableBufferPointer { o in
        a.withUnsafeBufferPointer { src in
          if let valid {
            for i in 0..<rows where valid[i] {
              let k = raw(src[i]) ^ flip
              o[i] = k
              lo = Swift.min(lo, k)
              hi = Swift.max(hi, k)
            }
          } else {
            for i in 0..<rows {
              let k = raw(src[i]) ^ flip
              o[i] = k
              lo = Swift.min(lo, k)
              hi = Swift.max(hi, k)
            }
          }
        }
      }
      if lo > hi || (lo == hi && valid == nil) { return .some(nil) }  // all null, or one value
      let top = hi - lo
      if valid != nil && top == .max { return nil }  // a null would need a 65th bit
      let nullCode = top &+ 1
      out.withUnsafeMutableBufferPointer { o in
        if let valid {
          for i in 0..<rows { o[i] = valid[i] ? o[i] &- lo : nullCode }
        } else if lo != 0 {
          for i in 0..<rows { o[i] &-= lo }
        }
      }
      let largest = valid != nil ? nullCode : top
      return KeyCodes(codes: out, width: UInt64.bitWidth - largest.leadingZeroBitCount)
    }
    switch c.data {
    case .bool(let a): return build(a) { $0 ? 1 : 0 }
    case .int(let a), .money(let a): return build(a) { UInt64(bitPattern: $0) ^ (1 << 63) }
    case .date(let a): return build(a) { UInt64(UInt32(bitPattern: $0) ^ (1 << 31)) }
    case .number(let a):
      return build(a) { d in
        // IEEE bits order as the numbers do once negatives are flipped;
        // -0 is 0, as `<` has it.
        let bits = (d == 0 ? 0 : d).bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
      }
    case .coded(let a, let dictionary):
      let rank = ranks(of: dictionary)
      return build(a) { UInt64(rank[Int($0)]) }
    case .text(let a):
      // Each different string once: its number, then the numbers ranked.
      if a.count == 1 && rows != 1 { return .some(nil) }
      var different = TextCodes()
      var ids = [UInt32](repeating: 0, count: a.count)
      for (i, s) in a.enumerated() where valid?[i] ?? true {
        try cancellation.poll(i)
        ids[i] = different.code(s)
      }
      let rank = ranks(of: different.dictionary)
      return build(ids) { UInt64(rank[Int($0)]) }
    case .null: return .some(nil)
    }
  }

  /// Each string's place among them in code point order.
  static func ranks(of strings: [String]) -> [UInt32] {
    let sorted = strings.indices.sorted { strings[$0].utf8.lexicographicallyPrecedes(strings[$1].utf8) }
    var rank = [UInt32](repeating: 0, count: strings.count)
    for (r, i) in sorted.enumerated() { rank[i] = UInt32(r) }
    return rank
  }

  /// The keys' codes, most significant first, with neighbours packed into
  /// one code while they fit in 64 bits; nil when a key can't be coded.
  static func packedCodes(rows: Int, keys: [(Column, descending: Bool)], cancellation: Cancellation) throws
    -> [KeyCodes]?
  {
    var packed: [KeyCodes] = []
    for (column, descending) in keys {
      guard let codes = try keyCodes(column, descending: descending, rows: rows, cancellation: cancellation) else {
        return nil
      }
      guard let codes else { continue }
      if var last = packed.last, last.width + codes.width <= 64 {
        let shift = UInt64(codes.width)
        last.codes.withUnsafeMutableBufferPointer { a in
          codes.codes.withUnsafeBufferPointer { b in
            for i in 0..<rows { a[i] = a[i] << shift | b[i] }
          }
        }
        last.width += codes.width
        packed[packed.count - 1] = last
      } else {
        packed.append(codes)
      }
    }
    return packed
  }

  /// A stable order of the rows by the keys' codes: the least significant
  /// key first, each sorted stably by the radix sort through the order so far.
  static func radixPermutation(rows: Int, keys: [KeyCodes], cancellation: Cancellation) throws -> [Int] {
    var order: [UInt32]? = nil  // nil: the rows as they are
    for key in keys.reversed() {
      try cancellation.check()
      if key.width <= 32 {
        order = try sortedRows(key, UInt32.self, through: order, cancellation: cancellation)
      } else {
        order = try sortedRows(key, UInt64.self, through: order, cancellation: cancellation)
      }
    }
    guard let order else { return Array(0..<rows) }
    return order.map { Int($0) }
  }

  struct Keyed<Code: FixedWidthInteger & UnsignedInteger> {
    var code: Code
    var row: UInt32
  }

  /// The rows of `order` (nil: 0..<n) stably sorted by the key's codes.
  static func sortedRows<Code: FixedWidthInteger & UnsignedInteger>(
    _ key: KeyCodes, _: Code.Type, through order: [UInt32]?, cancellation: Cancellation
  ) throws -> [UInt32] {
    let n = key.codes.count
    var items = [Keyed<Code>](unsafeUninitializedCapacity: n) { buffer, count in
      key.codes.withUnsafeBufferPointer { codes in
        if let order {
          for i in 0..<n { buffer[i] = Keyed(code: Code(truncatingIfNeeded: codes[Int(order[i])]), row: order[i]) }
        } else {
          for i in 0..<n { buffer[i] = Keyed(code: Code(truncatingIfNeeded: codes[i]), row: UInt32(i)) }
        }
      }
      count = n
    }
    try radixSort(&items, cancellation: cancellation)
    return items.map(\.row)
  }

  /// Stable LSD radix sort by `code`, a byte at a time, skipping bytes no
  /// two codes differ in. Each pass counts and scatters in one slice per
  /// core; a slice's rows of one byte value follow the slice before's, so
  /// the order of equal codes is kept. Ctrl-C is checked between passes.
  static func radixSort<Code: FixedWidthInteger & UnsignedInteger>(
    _ items: inout [Keyed<Code>], cancellation: Cancellation
  ) throws {
    let n = items.count
    guard n > 1 else { return }
    if n <= 64 {
      // Insertion sort: stable, and quicker than passes at this size.
      for i in 1..<n {
        let x = items[i]
        var j = i
        while j > 0 && items[j - 1].code > x.code {
          items[j] = items[j - 1]
          j -= 1
        }
        items[j] = x
      }
      return
    }
    var differ: Code = 0
    let first = items[0].code
    for x in items { differ |= x.code ^ first }
    let passes = (0..<(Code.bitWidth / 8)).filter { (differ >> ($0 * 8)) & 0xFF != 0 }
    guard !passes.isEmpty else { return }
    let slices = n >= 1 << 16 ? Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, 8)) : 1
    let bounds = (0...slices).map { $0 * n / slices }
    var other = [Keyed<Code>](unsafeUninitializedCapacity: n) { _, count in count = n }
    var counts = [Int](repeating: 0, count: slices * 256)
    for pass in passes {
      try cancellation.check()
      let shift = pass * 8
      items.withUnsafeBufferPointer { src in
        other.withUnsafeMutableBufferPointer { dst in
          counts.withUnsafeMutableBufferPointer { counts in
            let (src, dst, counts) = (src, dst, counts)
            DispatchQueue.concurrentPerform(iterations: slices) { s in
              let base = s * 256
              for b in 0..<256 { counts[base + b] = 0 }
              for i in bounds[s]..<bounds[s + 1] {
                counts[base + Int(truncatingIfNeeded: src[i].code >> shift) & 0xFF] += 1
              }
            }
            // Each slice's first place for each byte value: byte-major, slice-minor.
            var total = 0
            for b in 0..<256 {
              for s in 0..<slices {
                let c = counts[s * 256 + b]
                counts[s * 256 + b] = total
                total += c
              }
            }
            DispatchQueue.concurrentPerform(iterations: slices) { s in
              let base = s * 256
              for i in bounds[s]..<bounds[s + 1] {
                let slot = base + Int(truncatingIfNeeded: src[i].code >> shift) & 0xFF
                dst[counts[slot]] = src[i]
                counts[slot] += 1
              }
            }
          }
        }
      }
      swap(&items, &other)
    }
  }
}
