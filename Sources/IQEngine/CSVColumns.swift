import CIQSystem
import Foundation
import IQCore

/// The two passes of the CSV reader. The first checks the bytes (UTF-8, no
/// NUL), the shape of every record and which types every value of a column
/// fits; the second parses each value straight into its column's memory.
/// A file without quotes is cut into blocks at line breaks, which both
/// cores take in turn; a block's pages of a mapped file are given back as
/// soon as it is read, so memory holds the columns, not the file.
extension CSVReader {
  /// The bytes of a file and how to give back a block's pages.
  struct Input {
    let p: UnsafeBufferPointer<UInt8>
    /// Called with a range of `p` that this pass no longer needs.
    var release: (Range<Int>) -> Void = { _ in }
    var blockSize = CSVReader.blockSize
    /// The file's name, for messages.
    var name = ""
    /// Polled in every block's loop.
    let cancellation: Cancellation
  }

  /// About this many bytes a block: big enough that starting one costs
  /// nothing, small enough that two of them are little memory.
  static let blockSize = 8 << 20

  /// Pass one: field counts, and the types each column's values allow.
  struct Classifier: CSVVisitor {
    let p: UnsafeBufferPointer<UInt8>
    let columns: Int
    /// Columns whose types matter; the others are only counted.
    let wanted: [Bool]
    let source: () -> SourceFile
    var canInt: [Bool], canNumber: [Bool], canMoney: [Bool], canDate: [Bool], canBool: [Bool], any: [Bool]
    var anyNull: [Bool]
    /// With guesses, the wanted columns' values are kept as they are read
    /// (one pass); without, only their types are worked out (two passes).
    var guesses: [Guess?]
    var rows = 0
    var extra: Span?
    let cancellation: Cancellation

    /// `rows`: about how many records the block holds, so that the
    /// guesses' arrays are made once at their size rather than grown.
    init(
      p: UnsafeBufferPointer<UInt8>, wanted: [Bool], guessing: Bool, rows expected: Int = 0,
      source: @escaping () -> SourceFile, cancellation: Cancellation
    ) {
      self.p = p
      self.cancellation = cancellation
      self.columns = wanted.count
      self.wanted = wanted
      self.source = source
      guesses = wanted.map { guessing && $0 ? Guess(expected: expected) : nil }
      let yes = [Bool](repeating: true, count: columns)
      (canInt, canNumber, canMoney, canDate, canBool) = (yes, yes, yes, yes, yes)
      any = [Bool](repeating: false, count: columns)
      anyNull = any
    }

    mutating func field(_ c: Int, _ start: Int, _ end: Int, cell: Int, escaped: Bool) {
      guard c < columns else {
        if c == columns { extra = Span(cell, end) }
        return
      }
      guard wanted[c] else { return }
      if guesses[c] != nil {
        withField(p, start, end, escaped) { guesses[c]!.add($0) }
      } else {
        withField(p, start, end, escaped) { classify(c, $0) }
      }
    }

    mutating func classify(_ c: Int, _ f: FieldBytes) {
      if f.isNull {
        anyNull[c] = true
        return
      }
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
      try cancellation.poll(rows)
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
        anyNull[c] = anyNull[c] || o.anyNull[c]
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

  /// One block's values of one column, kept in the type every value so far
  /// fits, in the order the two-pass reader tries types: int (made number
  /// when a decimal comes), number, money, date, bool, text. Values of
  /// those types are disjoint but for ints being numbers, so the type kept
  /// is the one the two passes would find, unless a value fits neither it
  /// nor a wider type: then the guess is spoiled and the column read again.
  struct Guess {
    /// Rows the block is thought to hold.
    var expected = 0
    var type: DataType = .null
    var spoiled = false
    var rows = 0
    var ints: [Int64] = []
    var numbers: [Double] = []
    var dates: [Int32] = []
    var bools: [Bool] = []
    var codes: [UInt32] = []
    var interner = Interner()
    /// Made at the first null.
    var valid: [Bool]?

    mutating func add(_ f: FieldBytes) {
      if spoiled { return }
      defer { rows += 1 }
      if f.isNull {
        if valid == nil {
          valid = [Bool](repeating: true, count: rows)
          valid!.reserveCapacity(expected)
        }
        valid!.append(false)
        switch type {
        case .int, .money: ints.append(0)
        case .number: numbers.append(0)
        case .date: dates.append(0)
        case .bool: bools.append(false)
        case .text: codes.append(0)
        case .null: break
        }
        return
      }
      if valid != nil { valid!.append(true) }
      switch type {
      case .int:
        if let v = f.int {
          ints.append(v)
        } else if let v = f.number {
          numbers = ints.map(Double.init)
          numbers.reserveCapacity(expected)
          numbers.append(v)
          ints = []
          type = .number
        } else {
          spoil()
        }
      case .number: if let v = f.number { numbers.append(v) } else { spoil() }
      case .money: if let v = f.money { ints.append(v) } else { spoil() }
      case .date: if let v = f.date { dates.append(v) } else { spoil() }
      case .bool: if let v = f.bool { bools.append(v) } else { spoil() }
      case .text: codes.append(interner.code(f))
      case .null:
        // The first value: placeholders for the nulls before it.
        let n = rows
        if let v = f.int {
          (type, ints) = (.int, [Int64](repeating: 0, count: n) + [v])
        } else if let v = f.number {
          (type, numbers) = (.number, [Double](repeating: 0, count: n) + [v])
        } else if let v = f.money {
          (type, ints) = (.money, [Int64](repeating: 0, count: n) + [v])
        } else if let v = f.date {
          (type, dates) = (.date, [Int32](repeating: 0, count: n) + [v])
        } else if let v = f.bool {
          (type, bools) = (.bool, [Bool](repeating: false, count: n) + [v])
        } else {
          let code = interner.code(f)
          (type, codes) = (.text, [UInt32](repeating: 0, count: n) + [code])
        }
        ints.reserveCapacity(type == .int || type == .money ? expected : 0)
        numbers.reserveCapacity(type == .number ? expected : 0)
        dates.reserveCapacity(type == .date ? expected : 0)
        bools.reserveCapacity(type == .bool ? expected : 0)
        codes.reserveCapacity(type == .text ? expected : 0)
      }
    }

    mutating func spoil() {
      spoiled = true
      (ints, numbers, dates, bools, codes, valid, interner) = ([], [], [], [], [], nil, Interner())
    }

    /// The blocks' values as one column; nil when a guess was spoiled or
    /// the blocks' types don't widen to one (text in one, dates in another).
    /// Each block's memory is let go as soon as its values are copied.
    static func merge(_ blocks: inout [Guess], rows: Int) -> (DataType, Column)? {
      if blocks.contains(where: \.spoiled) { return nil }
      let kinds = Set(blocks.map(\.type)).subtracting([.null])
      let type: DataType
      if kinds.count <= 1 {
        type = kinds.first ?? .null
      } else if kinds == [.int, .number] {
        type = .number
      } else {
        return nil
      }
      var valid: [Bool]?
      if blocks.contains(where: { $0.valid != nil }) {
        var v: [Bool] = []
        v.reserveCapacity(rows)
        for b in blocks { v.append(contentsOf: b.valid ?? [Bool](repeating: true, count: b.rows)) }
        valid = v
      }
      /// Each block's values, or placeholders for a block of nulls.
      func joined<T>(_ fill: T, _ values: (Guess) -> [T]) -> [T] {
        var out: [T] = []
        out.reserveCapacity(rows)
        for k in blocks.indices {
          if blocks[k].type == .null {
            out.append(contentsOf: repeatElement(fill, count: blocks[k].rows))
          } else {
            out.append(contentsOf: values(blocks[k]))
          }
          blocks[k] = Guess()
        }
        return out
      }
      switch type {
      case .int: return (type, Column(.int(joined(0) { $0.ints }), valid: valid))
      case .money: return (type, Column(.money(joined(0) { $0.ints }), valid: valid))
      case .number:
        return (
          type, Column(.number(joined(0) { $0.type == .int ? $0.ints.map(Double.init) : $0.numbers }), valid: valid)
        )
      case .date: return (type, Column(.date(joined(0) { $0.dates }), valid: valid))
      case .bool: return (type, Column(.bool(joined(false) { $0.bools }), valid: valid))
      case .text, .null:
        // One dictionary: each block's codes rewritten into it.
        var all = Interner()
        let codes = joined(UInt32(0)) { b in
          let remap = (0..<b.interner.count).map { i in b.interner.withKey(i) { all.code($0) } }
          return b.codes.map { remap[Int($0)] }
        }
        let dictionary = all.strings
        return (type, Column(.coded(codes, dictionary: dictionary.isEmpty ? [""] : dictionary), valid: valid))
      }
    }
  }

  /// Memory for one column's values and validity, for every row of the
  /// file; each block writes its own rows.
  final class Slots {
    let type: DataType
    let rows: Int
    let values: UnsafeMutableRawPointer
    let valid: UnsafeMutablePointer<Bool>?

    init(type: DataType, rows: Int, nullable: Bool) {
      self.type = type
      self.rows = rows
      values = .allocate(byteCount: max(1, rows * Slots.width(type)), alignment: 8)
      valid = nullable ? .allocate(capacity: max(1, rows)) : nil
    }

    deinit {
      values.deallocate()
      valid?.deallocate()
    }

    /// Bytes a value: text is a 4-byte code into its column's dictionary.
    static func width(_ type: DataType) -> Int {
      switch type {
      case .int, .money, .number: return 8
      case .date, .text, .null: return 4
      case .bool: return 1
      }
    }

    func array<T>(_: T.Type) -> [T] {
      Array(UnsafeBufferPointer(start: values.assumingMemoryBound(to: T.self), count: rows))
    }

    func column(dictionary: [String]) -> Column {
      let v = valid.map { Array(UnsafeBufferPointer(start: $0, count: rows)) }
      switch type {
      case .int: return Column(.int(array(Int64.self)), valid: v)
      case .money: return Column(.money(array(Int64.self)), valid: v)
      case .number: return Column(.number(array(Double.self)), valid: v)
      case .date: return Column(.date(array(Int32.self)), valid: v)
      case .bool: return Column(.bool(array(Bool.self)), valid: v)
      case .text, .null:
        return Column(.coded(array(UInt32.self), dictionary: dictionary.isEmpty ? [""] : dictionary), valid: v)
      }
    }
  }

  /// Pass two: each value parsed into its column's slot for its row.
  struct Builder: CSVVisitor {
    let p: UnsafeBufferPointer<UInt8>
    let types: [DataType]
    /// Per column, where its values go; nil for a column not wanted.
    let values: [UnsafeMutableRawPointer?]
    let valid: [UnsafeMutablePointer<Bool>?]
    var row: Int
    /// Codes local to this block; merged after.
    var interners: [Interner]
    let cancellation: Cancellation

    init(
      p: UnsafeBufferPointer<UInt8>, slots: [Slots?], types: [DataType], firstRow: Int, cancellation: Cancellation
    ) {
      self.p = p
      self.cancellation = cancellation
      self.types = types
      values = slots.map { $0?.values }
      valid = slots.map { $0?.valid }
      row = firstRow
      interners = types.map { _ in Interner() }
    }

    mutating func field(_ c: Int, _ start: Int, _ end: Int, cell: Int, escaped: Bool) {
      guard let out = values[c] else { return }
      withField(p, start, end, escaped) { f in
        let null = f.isNull
        if let v = valid[c] { v[row] = !null }
        switch types[c] {
        case .int: out.assumingMemoryBound(to: Int64.self)[row] = null ? 0 : f.int!
        case .money: out.assumingMemoryBound(to: Int64.self)[row] = null ? 0 : f.money!
        case .number: out.assumingMemoryBound(to: Double.self)[row] = null ? 0 : f.number!
        case .date: out.assumingMemoryBound(to: Int32.self)[row] = null ? 0 : f.date!
        case .bool: out.assumingMemoryBound(to: Bool.self)[row] = null ? false : f.bool!
        case .text, .null: out.assumingMemoryBound(to: UInt32.self)[row] = null ? 0 : interners[c].code(f)
        }
      }
    }

    mutating func record(fields: Int, end: Int) throws {
      row += 1
      try cancellation.poll(row)
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

  /// A code for each different text in a column, in order of first
  /// appearance; the texts' bytes are kept end to end in one array, and
  /// their first sixteen bytes as two words, so a short text (an area
  /// code, a year, a category) is hashed and compared as two integers.
  struct Interner {
    /// Made on first use: a file can have a million columns.
    var slots: [Int32] = []
    var hashes: [UInt64] = []
    var heads: [(UInt64, UInt64)] = []
    /// Where each text's bytes start, and then where the last ends.
    var starts: [Int] = []
    var bytes: [UInt8] = []
    var count: Int { hashes.count }

    mutating func code(_ f: FieldBytes) -> UInt32 {
      let key = UnsafeBufferPointer(rebasing: f.p[f.start..<f.end])
      // Sixteen bytes can be read at once when the buffer has them.
      let head = f.start + 16 <= f.p.count ? Interner.quickHead(key) : Interner.head(key)
      return code(key, head)
    }

    mutating func code(_ key: UnsafeBufferPointer<UInt8>) -> UInt32 { code(key, Interner.head(key)) }

    mutating func code(_ key: UnsafeBufferPointer<UInt8>, _ head: (UInt64, UInt64)) -> UInt32 {
      if slots.isEmpty {
        slots = [Int32](repeating: -1, count: 64)
        starts = [0]
      }
      let h = Interner.hash(key, head)
      let mask = slots.count - 1
      var s = Int(truncatingIfNeeded: h) & mask
      while slots[s] >= 0 {
        let i = Int(slots[s])
        if hashes[i] == h && heads[i] == head && starts[i + 1] - starts[i] == key.count
          && (key.count <= 16
            || bytes.withUnsafeBufferPointer {
              memcmp($0.baseAddress! + starts[i] + 16, key.baseAddress! + 16, key.count - 16) == 0
            })
        {
          return UInt32(i)
        }
        s = (s + 1) & mask
      }
      let code = hashes.count
      slots[s] = Int32(code)
      hashes.append(h)
      heads.append(head)
      bytes.append(contentsOf: key)
      starts.append(bytes.count)
      if hashes.count * 2 > slots.count { grow() }
      return UInt32(code)
    }

    /// The first sixteen bytes, zero after the end, read as two words
    /// from a buffer known to hold sixteen bytes from the key's start.
    @inline(__always) static func quickHead(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
      let raw = UnsafeRawPointer(key.baseAddress!)
      let n = key.count
      var a = raw.loadUnaligned(as: UInt64.self), b = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
      if n < 8 { a &= (1 << UInt64(8 * n)) - 1 }
      if n < 16 { b &= n <= 8 ? 0 : (1 << UInt64(8 * (n - 8))) - 1 }
      return (a, b)
    }

    static func head(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
      var a: UInt64 = 0, b: UInt64 = 0
      for k in 0..<min(16, key.count) {
        if k < 8 { a |= UInt64(key[k]) << UInt64(8 * k) } else { b |= UInt64(key[k]) << UInt64(8 * (k - 8)) }
      }
      return (a, b)
    }

    /// The two head words and the length, then any bytes past sixteen.
    static func hash(_ key: UnsafeBufferPointer<UInt8>, _ head: (UInt64, UInt64)) -> UInt64 {
      var h = (head.0 &* 0x9E37_79B9_7F4A_7C15) ^ (head.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(key.count)
      var k = 16
      while k < key.count {
        h = (h ^ UInt64(key[k])) &* 0x100_0000_01b3
        k += 1
      }
      return h ^ (h >> 29)
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

    /// Code `i`'s bytes.
    func withKey<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
      bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[starts[i]..<starts[i + 1]])) }
    }

    var strings: [String] { (0..<count).map { i in withKey(i) { String(decoding: $0, as: UTF8.self) } } }
  }

  /// The records after the header cut into blocks at line breaks. A block
  /// is a whole number of records only if no field holds a line break, so
  /// the first pass reads the file as one block if any block has a quote.
  static func blocks(_ p: UnsafeBufferPointer<UInt8>, from: Int, size blockSize: Int) -> [Range<Int>] {
    let n = p.count
    guard n - from > blockSize else { return [from..<n] }
    var out: [Range<Int>] = []
    var start = from
    while start < n {
      var end = min(n, start + blockSize)
      if end < n, let lf = memchr(p.baseAddress! + end, 10, n - end) {
        end = p.baseAddress!.distance(to: lf.assumingMemoryBound(to: UInt8.self)) + 1
      } else {
        end = n
      }
      out.append(start..<end)
      start = end
    }
    return out
  }

  /// Reads the records after the header into typed columns; only the
  /// columns `wanted` says (all when nil) are built, the rest are typed
  /// and checked but hold no values.
  static func readColumns(
    _ input: Input, from: Int, names: [String], wanted: Set<String>?, source: @escaping () -> SourceFile
  ) throws -> (fields: [Field], columns: [Column?], rows: Int) {
    let p = input.p
    let scanner = CSVScanner(bytes: p, source: source)
    var parts = blocks(p, from: from, size: input.blockSize)
    let wantedColumns = names.map { wanted?.contains($0) ?? true }
    // One pass that keeps each value in the type the values before it fit.
    var classifiers = try classify(input, parts, wantedColumns, guessing: true, scanner, source)
    if classifiers == nil {
      parts = [from..<p.count]
      classifiers = try classify(input, parts, wantedColumns, guessing: true, scanner, source)
    }
    var guessed = classifiers!
    classifiers = nil  // so that each block's arrays go when they are merged
    let rows = guessed.reduce(0) { $0 + $1.rows }
    var types = [DataType](repeating: .null, count: names.count)
    var columns = [Column?](repeating: nil, count: names.count)
    var again = [Bool](repeating: false, count: names.count)
    for c in names.indices where wantedColumns[c] {
      var blocks = guessed.indices.map { guessed[$0].guesses[c]! }
      for k in guessed.indices { guessed[k].guesses[c] = nil }
      if let (type, column) = Guess.merge(&blocks, rows: rows) {
        (types[c], columns[c]) = (type, column)
      } else {
        again[c] = true
      }
      // The blocks' arrays are free now, but malloc keeps such pieces for
      // later: hand them back, or memory holds every column twice.
      iq_release_free_memory()
    }
    // A column whose values changed type on the way (a number, then a
    // word) is read again in two passes: its type first, then its values.
    if again.contains(true) {
      let (retyped, rebuilt) = try readTwice(input, parts, again, scanner, source)
      for c in names.indices where again[c] { (types[c], columns[c]) = (retyped[c], rebuilt[c]) }
    }
    let fields = names.indices.map { Field(names[$0], types[$0] == .null ? .text : types[$0]) }
    return (fields, columns, rows)
  }

  /// The columns `wanted` says read in two passes: types, then values.
  static func readTwice(
    _ input: Input, _ parts: [Range<Int>], _ wanted: [Bool], _ scanner: CSVScanner,
    _ source: @escaping () -> SourceFile
  ) throws -> (types: [DataType], columns: [Column?]) {
    // The blocks had no quote the first time, so they have none now.
    guard let classifiers = try classify(input, parts, wanted, guessing: false, scanner, source) else {
      throw Diagnostic("\(source().name) changed while it was read", at: nil)
    }
    var all = classifiers[0]
    for c in classifiers.dropFirst() { all.merge(c) }
    let types = wanted.indices.map { all.type($0) }
    let slots: [Slots?] = wanted.indices.map { c in
      wanted[c] ? Slots(type: types[c], rows: all.rows, nullable: all.anyNull[c]) : nil
    }
    var firstRow = 0
    var builders: [Builder] = parts.indices.map { k in
      defer { firstRow += classifiers[k].rows }
      return Builder(p: input.p, slots: slots, types: types, firstRow: firstRow, cancellation: input.cancellation)
    }
    builders.withUnsafeMutableBufferPointer { results in
      DispatchQueue.concurrentPerform(iterations: parts.count) { k in
        defer { input.release(parts[k]) }
        // The first pass found no error, so this one finds none but Ctrl-C.
        if input.cancellation.isRequested { return }
        try? scanner.scanQuickly(from: parts[k].lowerBound, to: parts[k].upperBound, &results[k])
      }
    }
    try input.cancellation.check()
    let columns = wanted.indices.map { c -> Column? in
      guard let s = slots[c] else { return nil }
      let text = s.type == .text || s.type == .null
      return s.column(
        dictionary: text ? mergeCodes(s, builders.map { $0.interners[c] }, rows: classifiers.map(\.rows)) : [])
    }
    return (types, columns)
  }

  /// Pass one over the blocks, both cores taking them in turn: nil when
  /// there are several and one holds a quote.
  static func classify(
    _ input: Input, _ parts: [Range<Int>], _ wanted: [Bool], guessing: Bool, _ scanner: CSVScanner,
    _ source: @escaping () -> SourceFile
  ) throws -> [Classifier]? {
    let p = input.p
    let sample = parts.first.map { $0.lowerBound..<min($0.upperBound, $0.lowerBound + 1 << 16) } ?? 0..<0
    let lines = max(1, p[sample].reduce(0) { $0 + ($1 == 10 ? 1 : 0) })
    var classifiers = parts.map { part in
      // Records in the block, from the lines in its first 64 KB, and a little more.
      let rows = part.count / max(1, sample.count / lines) + part.count / max(1, sample.count / lines) / 16 + 16
      return Classifier(
        p: p, wanted: wanted, guessing: guessing, rows: rows, source: source, cancellation: input.cancellation)
    }
    // Per block: a quote, the first byte that is not UTF-8, the first NUL,
    // or a malformed record. Each block writes only its own slot.
    var quoted = [Bool](repeating: false, count: parts.count)
    var badUTF8 = [Int?](repeating: nil, count: parts.count)
    var nul = [Int?](repeating: nil, count: parts.count)
    var errors = [Error?](repeating: nil, count: parts.count)
    let several = parts.count > 1
    classifiers.withUnsafeMutableBufferPointer { results in
      quoted.withUnsafeMutableBufferPointer { quoted in
        badUTF8.withUnsafeMutableBufferPointer { badUTF8 in
          nul.withUnsafeMutableBufferPointer { nul in
            errors.withUnsafeMutableBufferPointer { failures in
              DispatchQueue.concurrentPerform(iterations: parts.count) { k in
                let range = parts[k]
                let start = p.baseAddress! + range.lowerBound
                defer { input.release(range) }
                if input.cancellation.isRequested {
                  failures[k] = Cancellation.cancelled
                } else if several && memchr(start, 34, range.count) != nil {
                  quoted[k] = true
                } else if let bad = TextBytes.firstInvalidUTF8(p, range) {
                  badUTF8[k] = bad
                } else if let zero = memchr(start, 0, range.count) {
                  nul[k] = p.baseAddress!.distance(to: zero.assumingMemoryBound(to: UInt8.self))
                } else {
                  do { try scanner.scanQuickly(from: range.lowerBound, to: range.upperBound, &results[k]) } catch {
                    failures[k] = error
                  }
                }
              }
            }
          }
        }
      }
    }
    if quoted.contains(true) { return nil }
    if let bad = badUTF8.compactMap({ $0 }).first { throw TextBytes.notUTF8(p, bad, name: input.name) }
    if let zero = nul.compactMap({ $0 }).first { throw TextBytes.nulByte(p, zero, name: input.name) }
    if let e = errors.compactMap({ $0 }).first { throw e }
    return classifiers
  }

  /// One dictionary for a text column from each block's: the first block's
  /// codes stand, the others' are rewritten in place.
  static func mergeCodes(_ s: Slots, _ interners: [Interner], rows: [Int]) -> [String] {
    var all = interners[0]
    let codes = s.values.assumingMemoryBound(to: UInt32.self)
    var row = rows[0]
    for (k, local) in interners.enumerated().dropFirst() {
      let remap = (0..<local.count).map { i in local.withKey(i) { all.code($0) } }
      for r in row..<row + rows[k] where s.valid?[r] ?? true {
        codes[r] = remap[Int(codes[r])]
      }
      row += rows[k]
    }
    return all.strings
  }
}
