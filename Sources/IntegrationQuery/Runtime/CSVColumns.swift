import Foundation

/// The two passes of the CSV reader. The first checks the shape of every
/// record and which types every value of a column fits; the second parses
/// each value straight into its column's typed array. Large files without
/// quotes are split at line breaks and read by both cores.
extension CSVReader {
  /// Pass one: field counts, and the types each column's values allow.
  struct Classifier: CSVVisitor {
    let p: UnsafeBufferPointer<UInt8>
    let columns: Int
    let source: () -> SourceFile
    var canInt: [Bool], canNumber: [Bool], canMoney: [Bool], canDate: [Bool], canBool: [Bool], any: [Bool]
    var rows = 0
    var extra: Span?

    init(p: UnsafeBufferPointer<UInt8>, columns: Int, source: @escaping () -> SourceFile) {
      self.p = p
      self.columns = columns
      self.source = source
      let yes = [Bool](repeating: true, count: columns)
      (canInt, canNumber, canMoney, canDate, canBool) = (yes, yes, yes, yes, yes)
      any = [Bool](repeating: false, count: columns)
    }

    mutating func field(_ c: Int, _ start: Int, _ end: Int, cell: Int, escaped: Bool) {
      guard c < columns else {
        if c == columns { extra = Span(cell, end) }
        return
      }
      withField(p, start, end, escaped) { classify(c, $0) }
    }

    mutating func classify(_ c: Int, _ f: FieldBytes) {
      if f.isNull { return }
      any[c] = true
      if canInt[c] {
        if f.int != nil {
          // A whole number is a number too, but not money, a date or a bool.
          (canMoney[c], canDate[c], canBool[c]) = (false, false, false)
          return
        }
        canInt[c] = false
      }
      if canNumber[c] && f.number == nil { canNumber[c] = false }
      if canMoney[c] && f.money == nil { canMoney[c] = false }
      if canDate[c] && f.date == nil { canDate[c] = false }
      if canBool[c] && f.bool == nil { canBool[c] = false }
    }

    mutating func record(fields: Int, end: Int) throws {
      if fields != columns {
        let span = fields > columns ? extra! : Span(end, end)
        throw Diagnostic(
          "row has \(fields) field\(fields == 1 ? "" : "s") but the header has \(columns)", at: span,
          help: fields > columns
            ? "quote a field that contains a comma: \"a, b\""
            : "every row needs a field for every column (leave it empty for null)"
        ).in(source())
      }
      extra = nil
      rows += 1
    }

    /// Merges what another part of the file found.
    mutating func merge(_ o: Classifier) {
      for c in 0..<columns {
        canInt[c] = canInt[c] && o.canInt[c]
        canNumber[c] = canNumber[c] && o.canNumber[c]
        canMoney[c] = canMoney[c] && o.canMoney[c]
        canDate[c] = canDate[c] && o.canDate[c]
        canBool[c] = canBool[c] && o.canBool[c]
        any[c] = any[c] || o.any[c]
      }
      rows += o.rows
    }

    /// The narrowest type every value fits: int, number, money, date, bool, else text.
    func type(_ c: Int) -> DataType {
      if !any[c] { return .null }
      if canInt[c] { return .int }
      if canNumber[c] { return .number }
      if canMoney[c] { return .money }
      if canDate[c] { return .date }
      if canBool[c] { return .bool }
      return .text
    }
  }

  /// Pass two: each value parsed into its column.
  struct Builder: CSVVisitor {
    let p: UnsafeBufferPointer<UInt8>
    let types: [DataType]
    var ints: [[Int64]], numbers: [[Double]], dates: [[Int32]], bools: [[Bool]], texts: [[String]]
    var valid: [[Bool]]
    var interners: [Interner]

    init(p: UnsafeBufferPointer<UInt8>, types: [DataType], rows: Int) {
      self.p = p
      self.types = types
      func arrays<T>(_ wanted: (DataType) -> Bool, _: T.Type) -> [[T]] {
        types.map { t in
          var a: [T] = []
          if wanted(t) { a.reserveCapacity(rows) }
          return a
        }
      }
      ints = arrays({ $0 == .int || $0 == .money }, Int64.self)
      numbers = arrays({ $0 == .number }, Double.self)
      dates = arrays({ $0 == .date }, Int32.self)
      bools = arrays({ $0 == .bool }, Bool.self)
      texts = arrays({ $0 == .text || $0 == .null }, String.self)
      valid = types.map { _ in
        var a: [Bool] = []
        a.reserveCapacity(rows)
        return a
      }
      interners = types.map { _ in Interner() }
    }

    mutating func field(_ c: Int, _ start: Int, _ end: Int, cell: Int, escaped: Bool) {
      withField(p, start, end, escaped) { add(c, $0) }
    }

    mutating func add(_ c: Int, _ f: FieldBytes) {
      let null = f.isNull
      valid[c].append(!null)
      switch types[c] {
      case .int: ints[c].append(null ? 0 : f.int!)
      case .money: ints[c].append(null ? 0 : f.money!)
      case .number: numbers[c].append(null ? 0 : f.number!)
      case .date: dates[c].append(null ? 0 : f.date!)
      case .bool: bools[c].append(null ? false : f.bool!)
      case .text, .null: texts[c].append(null ? "" : interners[c].string(f))
      }
    }

    mutating func record(fields: Int, end: Int) throws {}

    func column(_ c: Int) -> Column {
      switch types[c] {
      case .int: return Column(.int(ints[c]), valid: valid[c])
      case .money: return Column(.money(ints[c]), valid: valid[c])
      case .number: return Column(.number(numbers[c]), valid: valid[c])
      case .date: return Column(.date(dates[c]), valid: valid[c])
      case .bool: return Column(.bool(bools[c]), valid: valid[c])
      case .text, .null: return Column(.text(texts[c]), valid: valid[c])
      }
    }
  }

  /// A field's bytes as they read: a doubled quote in a quoted field is one quote.
  static func withField(
    _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ escaped: Bool, _ body: (FieldBytes) -> Void
  ) {
    guard escaped else { return body(FieldBytes(p: p, start: start, end: end)) }
    unescape(p, start, end).withUnsafeBufferPointer { body(FieldBytes(p: $0, start: 0, end: $0.count)) }
  }

  static func unescape(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(end - start)
    var i = start
    while i < end {
      out.append(p[i])
      i += p[i] == 34 ? 2 : 1
    }
    return out
  }

  /// One String for each different text in a column: repeated values
  /// (area codes, years, categories) are made once and shared.
  struct Interner {
    /// Made on first use: a file can have a million columns.
    var slots: [Int32] = []
    var hashes: [UInt64] = []
    var keys: [[UInt8]] = []
    var strings: [String] = []
    /// Past this many different values, strings are made directly.
    static let limit = 1 << 16

    mutating func string(_ f: FieldBytes) -> String {
      if strings.count >= Interner.limit { return f.string }
      if slots.isEmpty { slots = [Int32](repeating: -1, count: 64) }
      var h: UInt64 = 0xcbf2_9ce4_8422_2325
      for k in 0..<f.count { h = (h ^ UInt64(f[k])) &* 0x100_0000_01b3 }
      let mask = slots.count - 1
      var s = Int(truncatingIfNeeded: h) & mask
      while slots[s] >= 0 {
        let i = Int(slots[s])
        if hashes[i] == h && keys[i].count == f.count
          && keys[i].withUnsafeBufferPointer({ memcmp($0.baseAddress!, f.p.baseAddress! + f.start, f.count) == 0 })
        {
          return strings[i]
        }
        s = (s + 1) & mask
      }
      let text = f.string
      slots[s] = Int32(strings.count)
      hashes.append(h)
      keys.append(Array(UnsafeBufferPointer(rebasing: f.p[f.start..<f.end])))
      strings.append(text)
      if strings.count * 2 > slots.count { grow() }
      return text
    }

    mutating func grow() {
      slots = [Int32](repeating: -1, count: slots.count * 2)
      let mask = slots.count - 1
      for (i, h) in hashes.enumerated() {
        var s = Int(truncatingIfNeeded: h) & mask
        while slots[s] >= 0 { s = (s + 1) & mask }
        slots[s] = Int32(i)
      }
    }
  }

  /// Reads the records after the header into typed columns.
  static func readColumns(
    _ p: UnsafeBufferPointer<UInt8>, from: Int, names: [String], source: @escaping () -> SourceFile
  ) throws
    -> (fields: [Field], columns: [Column], rows: Int)
  {
    let scanner = CSVScanner(bytes: p, source: source)
    // Split into two parts at a line break when no field can hold one.
    var parts = [from..<p.count]
    if p.count - from > 1 << 20, memchr(p.baseAddress! + from, 34, p.count - from) == nil {
      var mid = from + (p.count - from) / 2
      while mid < p.count && p[mid - 1] != 10 { mid += 1 }
      if mid < p.count { parts = [from..<mid, mid..<p.count] }
    }
    var classifiers = parts.map { _ in Classifier(p: p, columns: names.count, source: source) }
    var errors = [Error?](repeating: nil, count: parts.count)
    // Each part writes only its own slot.
    classifiers.withUnsafeMutableBufferPointer { results in
      errors.withUnsafeMutableBufferPointer { failures in
        DispatchQueue.concurrentPerform(iterations: parts.count) { k in
          do { try scanner.scan(from: parts[k].lowerBound, to: parts[k].upperBound, &results[k]) } catch {
            failures[k] = error
          }
        }
      }
    }
    if let e = errors.compactMap({ $0 }).first { throw e }
    var all = classifiers[0]
    for c in classifiers.dropFirst() { all.merge(c) }
    let types = names.indices.map { all.type($0) }

    var builders = parts.indices.map { k in Builder(p: p, types: types, rows: classifiers[k].rows) }
    builders.withUnsafeMutableBufferPointer { results in
      DispatchQueue.concurrentPerform(iterations: parts.count) { k in
        // The first pass found no error, so this one finds none.
        try? scanner.scan(from: parts[k].lowerBound, to: parts[k].upperBound, &results[k])
      }
    }
    var columns: [Column] = []
    for c in names.indices {
      var column = builders[0].column(c)
      for b in builders.dropFirst() { column = column.appending(b.column(c)) }
      columns.append(column)
    }
    let fields = names.indices.map { Field(names[$0], types[$0] == .null ? .text : types[$0]) }
    return (fields, columns, all.rows)
  }
}

extension Column {
  /// This column's rows followed by another's of the same type.
  func appending(_ o: Column) -> Column {
    let v: [Bool]? =
      valid == nil && o.valid == nil
      ? nil : (valid ?? [Bool](repeating: true, count: count)) + (o.valid ?? [Bool](repeating: true, count: o.count))
    switch (data, o.data) {
    case (.int(let a), .int(let b)): return Column(.int(a + b), valid: v)
    case (.money(let a), .money(let b)): return Column(.money(a + b), valid: v)
    case (.number(let a), .number(let b)): return Column(.number(a + b), valid: v)
    case (.date(let a), .date(let b)): return Column(.date(a + b), valid: v)
    case (.bool(let a), .bool(let b)): return Column(.bool(a + b), valid: v)
    case (.text(let a), .text(let b)): return Column(.text(a + b), valid: v)
    default: return self
    }
  }
}
