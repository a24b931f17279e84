import CIQSystem
import Foundation
import IQCore

/// How a column's values are read: a type, and for numbers whether they
/// are written as percentages; `anyNumber` and `anyMoney` are the types a
/// user gives, which take every way a number is written.
enum CellKind: Hashable, Sendable {
  case null, int, number, percent, money, date, bool, text, anyNumber, anyMoney

  var type: DataType {
    switch self {
    case .null: return .null
    case .int: return .int
    case .number, .percent, .anyNumber: return .number
    case .money, .anyMoney: return .money
    case .date: return .date
    case .bool: return .bool
    case .text: return .text
    }
  }

  /// The kind for a type the user gives.
  init(given type: DataType) {
    switch type {
    case .int: self = .int
    case .number: self = .anyNumber
    case .money: self = .anyMoney
    case .date: self = .date
    case .bool: self = .bool
    case .text, .null: self = .text
    }
  }
}

extension FieldBytes {
  /// Whether a value that isn't null can be read as `kind`.
  func fits(_ kind: CellKind) -> Bool {
    switch kind {
    case .int: return int != nil
    case .number, .anyNumber: return anyNumber != nil
    case .percent: return percent != nil
    case .money: return money != nil
    case .anyMoney: return anyMoney != nil
    case .date: return date != nil
    case .bool: return bool != nil
    case .text, .null: return true
    }
  }
}

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
    /// The delimiter, null words and given types.
    var reading = Reading()
  }

  /// How a file's records are read: what was found in it and what the
  /// user gave (`from "f.csv" with …`).
  struct Reading {
    var delimiter: UInt8 = 44
    var nulls: NullWords?
    /// Each column's kind, where the user gave its type (`types = (…)`).
    var given: [CellKind?] = []
    /// The columns' names, for messages.
    var names: [String] = []

    @inline(__always) func forced(_ c: Int) -> CellKind? { c < given.count ? given[c] : nil }

    /// "a comma", for messages.
    var delimiterName: String {
      switch delimiter {
      case 59: return "a semicolon"
      case 9: return "a tab"
      case 124: return "a bar (|)"
      default: return "a comma"
      }
    }

    /// The delimiter as it would be typed in an example: `a, b`, `a; b`.
    var delimiterText: String { delimiter == 9 ? "\\t" : String(UnicodeScalar(delimiter)) }

    func misfit(_ value: String, column c: Int, kind: CellKind, at span: Span) -> Diagnostic {
      let name = c < names.count ? names[c] : "column \(c + 1)"
      return Diagnostic(
        "'\(value)' in column \(name) is not \(article(kind.type))", at: span,
        help:
          "with types = (\(name): \(kind.type)) every value must be one; add '\(value)' to nulls = (…), or leave the type to iq"
      )
    }
  }

  /// About this many bytes a block: big enough that starting one costs
  /// nothing, small enough that two of them are little memory.
  package static let blockSize = 8 << 20

  /// Pass one: field counts, and the types each column's values allow.
  struct Classifier: CSVVisitor {
    let p: UnsafeBufferPointer<UInt8>
    let columns: Int
    /// Columns whose types matter; the others are only counted.
    let wanted: [Bool]
    let reading: Reading
    let source: () -> SourceFile
    var canInt: [Bool], canNumber: [Bool], canPercent: [Bool], canMoney: [Bool], canDate: [Bool], canBool: [Bool]
    var any: [Bool]
    var anyNull: [Bool]
    /// With guesses, the wanted columns' values are kept as they are read
    /// (one pass); without, only their types are worked out (two passes).
    var guesses: [Guess?]
    var rows = 0
    var extra: Span?
    /// Filled cells in the record being read.
    var filled = 0
    /// The first value that doesn't fit the type the user gave its column.
    var misfit: Diagnostic?
    var tail = Tail()
    let cancellation: Cancellation

    /// `rows`: about how many records the block holds, so that the
    /// guesses' arrays are made once at their size rather than grown.
    init(
      p: UnsafeBufferPointer<UInt8>, wanted: [Bool], reading: Reading, guessing: Bool, rows expected: Int = 0,
      source: @escaping () -> SourceFile, cancellation: Cancellation
    ) {
      self.p = p
      self.cancellation = cancellation
      self.columns = wanted.count
      self.wanted = wanted
      self.reading = reading
      self.source = source
      guesses = wanted.indices.map { c in
        guessing && wanted[c] && reading.forced(c) == nil ? Guess(expected: expected) : nil
      }
      let yes = [Bool](repeating: true, count: columns)
      (canInt, canNumber, canPercent, canMoney, canDate, canBool) = (yes, yes, yes, yes, yes, yes)
      any = [Bool](repeating: false, count: columns)
      anyNull = any
    }

    mutating func field(_ c: Int, _ start: Int, _ end: Int, cell: Int, escaped: Bool) {
      if c == 0 { filled = 0 }
      if end > start { filled += 1 }
      guard c < columns else {
        if c == columns { extra = Span(cell, end) }
        return
      }
      guard wanted[c] else { return }
      if guesses[c] != nil {
        withField(p, start, end, escaped, reading.nulls) { guesses[c]!.add($0) }
      } else {
        withField(p, start, end, escaped, reading.nulls) { classify(c, $0, Span(cell, end)) }
      }
    }

    mutating func classify(_ c: Int, _ f: FieldBytes, _ span: Span) {
      if f.isNull {
        anyNull[c] = true
        return
      }
      any[c] = true
      if let kind = reading.forced(c) {
        if misfit == nil && !f.fits(kind) { misfit = reading.misfit(f.string, column: c, kind: kind, at: span) }
        return
      }
      if canInt[c] {
        if f.int != nil {
          // A whole number is a number too, but nothing else.
          (canPercent[c], canMoney[c], canDate[c], canBool[c]) = (false, false, false, false)
          return
        }
        canInt[c] = false
      }
      if canNumber[c] && f.number == nil { canNumber[c] = false }
      if canPercent[c] && f.percent == nil { canPercent[c] = false }
      if canMoney[c] && f.money == nil { canMoney[c] = false }
      if canDate[c] && f.date == nil { canDate[c] = false }
      if canBool[c] && f.bool == nil { canBool[c] = false }
    }

    mutating func blank(at: Int) {
      if tail.firstBlank == nil { tail.firstBlank = at }
    }

    mutating func record(fields: Int, end: Int) throws {
      if let misfit { throw misfit.in(source()) }
      // Several filled cells make a record data; one after a blank line
      // may be a note under the table (known when the file ends).
      if filled >= 2 || columns < 2 {
        if let pending = tail.misshapen { throw shapeError(pending.fields, pending.span, pending.end) }
        tail = Tail(hasData: true)
      } else if filled == 1 {
        if tail.firstBlank == nil { tail.singlesBefore += 1 } else { tail.singlesAfter += 1 }
        if fields != columns {
          if tail.misshapen == nil {
            tail.misshapen = (fields, fields > columns ? extra! : Span(end, end), end)
          }
          // Kept level with the other records until it is known to be a note.
          for c in fields..<max(fields, columns) where guesses[c] != nil { guesses[c]!.addNull() }
          return try finish()
        }
      }
      if fields != columns { throw shapeError(fields, fields > columns ? extra! : Span(end, end), end) }
      try finish()
    }

    mutating func finish() throws {
      extra = nil
      filled = 0
      rows += 1
      try cancellation.poll(rows)
    }

    func shapeError(_ fields: Int, _ span: Span, _ end: Int) -> Diagnostic {
      let d = reading.delimiterName
      return Diagnostic(
        "row has \(fields) field\(fields == 1 ? "" : "s") but the header has \(columns)", at: span,
        help: fields > columns
          ? "quote a field that contains \(d): \"a\(reading.delimiterText) b\""
          : "every row needs a field for every column (leave it empty for null)"
      ).in(source())
    }

    /// Merges what another part of the file found.
    mutating func merge(_ o: Classifier) {
      for c in 0..<columns {
        canInt[c] = canInt[c] && o.canInt[c]
        canNumber[c] = canNumber[c] && o.canNumber[c]
        canPercent[c] = canPercent[c] && o.canPercent[c]
        canMoney[c] = canMoney[c] && o.canMoney[c]
        canDate[c] = canDate[c] && o.canDate[c]
        canBool[c] = canBool[c] && o.canBool[c]
        any[c] = any[c] || o.any[c]
        anyNull[c] = anyNull[c] || o.anyNull[c]
      }
      rows += o.rows
    }

    /// The narrowest kind every value fits: int, number, percentage, money,
    /// date, bool, else text; or the one the user gave.
    func kind(_ c: Int) -> CellKind {
      if let k = reading.forced(c) { return k }
      if !any[c] { return .null }
      if canInt[c] { return .int }
      if canNumber[c] { return .number }
      if canPercent[c] { return .percent }
      if canMoney[c] { return .money }
      if canDate[c] { return .date }
      if canBool[c] { return .bool }
      return .text
    }
  }

  /// What a block's records after its last data record were: blank lines
  /// and one-cell records, which are notes under the table if the file
  /// has no data after them (`CSVReader.notes`).
  struct Tail {
    /// The block has a record with several filled cells.
    var hasData = false
    /// The first blank line after the last such record.
    var firstBlank: Int?
    /// One-cell records after the last data record, before and after `firstBlank`.
    var singlesBefore = 0, singlesAfter = 0
    /// The first of those whose field count is wrong: an error unless it is a note.
    var misshapen: (fields: Int, span: Span, end: Int)?
  }

  /// One block's values of one column, kept in the kind every value so far
  /// fits, in the order the two-pass reader tries kinds: int (made number
  /// when a decimal comes), number, percentage, money, date, bool, text.
  /// Values of those kinds are disjoint but for ints being numbers, so the
  /// kind kept is the one the two passes would find, unless a value fits
  /// neither it nor a wider kind: then the guess is spoiled and the column
  /// read again.
  struct Guess {
    /// Rows the block is thought to hold.
    var expected = 0
    var kind: CellKind = .null
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

    mutating func addNull() {
      if spoiled { return }
      defer { rows += 1 }
      if valid == nil {
        valid = [Bool](repeating: true, count: rows)
        valid!.reserveCapacity(expected)
      }
      valid!.append(false)
      switch kind {
      case .int, .money, .anyMoney: ints.append(0)
      case .number, .percent, .anyNumber: numbers.append(0)
      case .date: dates.append(0)
      case .bool: bools.append(false)
      case .text: codes.append(0)
      case .null: break
      }
    }

    mutating func add(_ f: FieldBytes) {
      if spoiled { return }
      if f.isNull { return addNull() }
      defer { rows += 1 }
      if valid != nil { valid!.append(true) }
      switch kind {
      case .int:
        if let v = f.int {
          ints.append(v)
        } else if let v = f.number {
          numbers = ints.map(Double.init)
          numbers.reserveCapacity(expected)
          numbers.append(v)
          ints = []
          kind = .number
        } else {
          spoil()
        }
      case .number: if let v = f.number { numbers.append(v) } else { spoil() }
      case .percent: if let v = f.percent { numbers.append(v) } else { spoil() }
      case .money: if let v = f.money { ints.append(v) } else { spoil() }
      case .date: if let v = f.date { dates.append(v) } else { spoil() }
      case .bool: if let v = f.bool { bools.append(v) } else { spoil() }
      case .text: codes.append(interner.code(f))
      case .anyNumber, .anyMoney: spoil()  // given by the user: read in two passes
      case .null:
        // The first value: placeholders for the nulls before it.
        let n = rows
        if let v = f.int {
          (kind, ints) = (.int, [Int64](repeating: 0, count: n) + [v])
        } else if let v = f.number {
          (kind, numbers) = (.number, [Double](repeating: 0, count: n) + [v])
        } else if let v = f.percent {
          (kind, numbers) = (.percent, [Double](repeating: 0, count: n) + [v])
        } else if let v = f.money {
          (kind, ints) = (.money, [Int64](repeating: 0, count: n) + [v])
        } else if let v = f.date {
          (kind, dates) = (.date, [Int32](repeating: 0, count: n) + [v])
        } else if let v = f.bool {
          (kind, bools) = (.bool, [Bool](repeating: false, count: n) + [v])
        } else {
          let code = interner.code(f)
          (kind, codes) = (.text, [UInt32](repeating: 0, count: n) + [code])
        }
        ints.reserveCapacity(kind == .int || kind == .money ? expected : 0)
        numbers.reserveCapacity(kind == .number || kind == .percent ? expected : 0)
        dates.reserveCapacity(kind == .date ? expected : 0)
        bools.reserveCapacity(kind == .bool ? expected : 0)
        codes.reserveCapacity(kind == .text ? expected : 0)
      }
    }

    mutating func spoil() {
      spoiled = true
      (ints, numbers, dates, bools, codes, valid, interner) = ([], [], [], [], [], nil, Interner())
    }

    /// The blocks' values as one column; nil when a guess was spoiled or
    /// the blocks' kinds don't widen to one (text in one, dates in another).
    /// Each block's memory is let go as soon as its values are copied.
    static func merge(_ blocks: inout [Guess], rows: Int) -> (CellKind, Column)? {
      if blocks.contains(where: \.spoiled) { return nil }
      let kinds = Set(blocks.map(\.kind)).subtracting([.null])
      let kind: CellKind
      if kinds.count <= 1 {
        kind = kinds.first ?? .null
      } else if kinds == [.int, .number] {
        kind = .number
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
          if blocks[k].kind == .null {
            out.append(contentsOf: repeatElement(fill, count: blocks[k].rows))
          } else {
            out.append(contentsOf: values(blocks[k]))
          }
          blocks[k] = Guess()
        }
        return out
      }
      switch kind {
      case .int: return (kind, Column(.int(joined(0) { $0.ints }), valid: valid))
      case .money, .anyMoney: return (kind, Column(.money(joined(0) { $0.ints }), valid: valid))
      case .number, .percent, .anyNumber:
        return (
          kind, Column(.number(joined(0) { $0.kind == .int ? $0.ints.map(Double.init) : $0.numbers }), valid: valid)
        )
      case .date: return (kind, Column(.date(joined(0) { $0.dates }), valid: valid))
      case .bool: return (kind, Column(.bool(joined(false) { $0.bools }), valid: valid))
      case .text, .null:
        // One dictionary: each block's codes rewritten into it.
        var all = Interner()
        let codes = joined(UInt32(0)) { b in
          let remap = (0..<b.interner.count).map { i in b.interner.withKey(i) { all.code($0) } }
          return b.codes.map { remap[Int($0)] }
        }
        let dictionary = all.strings
        return (kind, Column(.coded(codes, dictionary: dictionary.isEmpty ? [""] : dictionary), valid: valid))
      }
    }
  }

  /// Memory for one column's values and validity, for every row of the
  /// file; each block writes its own rows.
  final class Slots {
    let kind: CellKind
    var type: DataType { kind.type }
    let rows: Int
    let values: UnsafeMutableRawPointer
    let valid: UnsafeMutablePointer<Bool>?

    init(kind: CellKind, rows: Int, nullable: Bool) {
      self.kind = kind
      self.rows = rows
      values = .allocate(byteCount: max(1, rows * Slots.width(kind.type)), alignment: 8)
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
    let kinds: [CellKind]
    let nulls: NullWords?
    /// Per column, where its values go; nil for a column not wanted.
    let values: [UnsafeMutableRawPointer?]
    let valid: [UnsafeMutablePointer<Bool>?]
    var row: Int
    /// Codes local to this block; merged after.
    var interners: [Interner]
    let cancellation: Cancellation

    init(
      p: UnsafeBufferPointer<UInt8>, slots: [Slots?], kinds: [CellKind], nulls: NullWords?, firstRow: Int,
      cancellation: Cancellation
    ) {
      self.p = p
      self.cancellation = cancellation
      self.kinds = kinds
      self.nulls = nulls
      values = slots.map { $0?.values }
      valid = slots.map { $0?.valid }
      row = firstRow
      interners = kinds.map { _ in Interner() }
    }

    mutating func field(_ c: Int, _ start: Int, _ end: Int, cell: Int, escaped: Bool) {
      guard c < values.count, let out = values[c] else { return }
      withField(p, start, end, escaped, nulls) { f in
        let null = f.isNull
        if let v = valid[c] { v[row] = !null }
        switch kinds[c] {
        case .int: out.assumingMemoryBound(to: Int64.self)[row] = null ? 0 : f.int!
        case .money: out.assumingMemoryBound(to: Int64.self)[row] = null ? 0 : f.money!
        case .anyMoney: out.assumingMemoryBound(to: Int64.self)[row] = null ? 0 : f.anyMoney!
        case .number: out.assumingMemoryBound(to: Double.self)[row] = null ? 0 : f.number!
        case .percent: out.assumingMemoryBound(to: Double.self)[row] = null ? 0 : f.percent!
        case .anyNumber: out.assumingMemoryBound(to: Double.self)[row] = null ? 0 : f.anyNumber!
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

  /// A field's bytes as they read: a doubled quote in a quoted field is
  /// one quote, and a word of `nulls` is empty.
  @inline(__always) static func withField(
    _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ escaped: Bool, _ nulls: NullWords?,
    _ body: (FieldBytes) -> Void
  ) {
    if !escaped && nulls == nil { return body(FieldBytes(p: p, start: start, end: end)) }
    withSpecialField(p, start, end, escaped, nulls, body)
  }

  /// `withField` for a quoted field with doubled quotes, or when the user
  /// gave words that mean missing: such a word reads as an empty field.
  static func withSpecialField(
    _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ escaped: Bool, _ nulls: NullWords?,
    _ body: (FieldBytes) -> Void
  ) {
    func visit(_ f: FieldBytes) {
      if let nulls, nulls.contains(UnsafeBufferPointer(rebasing: f.p[f.trimmed])) {
        return body(FieldBytes(p: f.p, start: f.start, end: f.start))
      }
      body(f)
    }
    guard escaped else { return visit(FieldBytes(p: p, start: start, end: end)) }
    unescape(p, start, end).withUnsafeBufferPointer { visit(FieldBytes(p: $0, start: 0, end: $0.count)) }
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

  /// Rows under the table that are notes (`Source: NHS England`): where
  /// the first blank line before them starts, how many, and the first.
  struct Notes {
    var start: Int
    var count: Int
  }

  /// Reads the records after the header into typed columns; only the
  /// columns `wanted` says (all when nil) are built, the rest are typed
  /// and checked but hold no values. Notes under the table are left out.
  static func readColumns(
    _ input: Input, from: Int, names: [String], wanted: Set<String>?, source: @escaping () -> SourceFile
  ) throws -> (fields: [Field], columns: [Column?], kinds: [CellKind], rows: Int, notes: Notes?) {
    let p = input.p
    let scanner = CSVScanner(bytes: p, delimiter: input.reading.delimiter, source: source)
    var parts = blocks(p, from: from, size: input.blockSize)
    let wantedColumns = names.map { wanted?.contains($0) ?? true }
    // One pass that keeps each value in the type the values before it fit.
    var classifiers = try classify(input, parts, wantedColumns, guessing: true, scanner, source)
    if classifiers == nil {
      parts = [from..<p.count]
      classifiers = try classify(input, parts, wantedColumns, guessing: true, scanner, source)
    }
    let notes = try findNotes(classifiers!, columns: names.count)
    if let notes, let k = parts.lastIndex(where: { $0.lowerBound <= notes.start }) {
      // The table ends where its notes begin: the block holding that
      // point is read again without them, and the blocks after it go.
      parts = Array(parts[...k])
      parts[k] = parts[k].lowerBound..<notes.start
      classifiers!.removeLast(classifiers!.count - k)
      classifiers! += try classify(input, [parts[k]], wantedColumns, guessing: true, scanner, source) ?? []
    }
    var guessed = classifiers!
    classifiers = nil  // so that each block's arrays go when they are merged
    let rows = guessed.reduce(0) { $0 + $1.rows }
    var kinds = [CellKind](repeating: .null, count: names.count)
    var columns = [Column?](repeating: nil, count: names.count)
    var again = [Bool](repeating: false, count: names.count)
    for c in names.indices where wantedColumns[c] {
      guard input.reading.forced(c) == nil else {
        again[c] = true
        continue
      }
      var blocks = guessed.indices.map { guessed[$0].guesses[c]! }
      for k in guessed.indices { guessed[k].guesses[c] = nil }
      if let (kind, column) = Guess.merge(&blocks, rows: rows) {
        (kinds[c], columns[c]) = (kind, column)
      } else {
        again[c] = true
      }
      // The blocks' arrays are free now, but malloc keeps such pieces for
      // later: hand them back, or memory holds every column twice.
      iq_release_free_memory()
    }
    // A column whose values changed type on the way (a number, then a
    // word), or whose type the user gave, is read again in two passes:
    // its type first (and that every value fits it), then its values.
    if again.contains(true) {
      let (rekinded, rebuilt) = try readTwice(input, parts, again, scanner, source)
      for c in names.indices where again[c] { (kinds[c], columns[c]) = (rekinded[c], rebuilt[c]) }
    }
    let fields = names.indices.map { Field(names[$0], kinds[$0] == .null ? .text : kinds[$0].type) }
    return (fields, columns, kinds, rows, notes)
  }

  /// Notes under the table: after the last record with several filled
  /// cells, the one-cell records that follow a blank line, if any. A
  /// one-cell record with too few or too many fields is an error unless
  /// it is one of them.
  static func findNotes(_ blocks: [Classifier], columns: Int) throws -> Notes? {
    var found: Notes?
    if columns >= 2 {
      let last = blocks.lastIndex(where: \.tail.hasData) ?? 0
      for t in blocks[last...].map(\.tail) {
        if var n = found {
          n.count += t.singlesBefore + t.singlesAfter
          found = n
        } else if let blank = t.firstBlank {
          found = Notes(start: blank, count: t.singlesAfter)
        }
      }
      if found?.count == 0 { found = nil }
    }
    for b in blocks {
      if let m = b.tail.misshapen, m.span.start < found?.start ?? Int.max {
        throw b.shapeError(m.fields, m.span, m.end)
      }
    }
    return found
  }

  /// The columns `wanted` says read in two passes: kinds, then values.
  static func readTwice(
    _ input: Input, _ parts: [Range<Int>], _ wanted: [Bool], _ scanner: CSVScanner,
    _ source: @escaping () -> SourceFile
  ) throws -> (kinds: [CellKind], columns: [Column?]) {
    // The blocks were whole records the first time, so they are now.
    guard let classifiers = try classify(input, parts, wanted, guessing: false, scanner, source) else {
      throw Diagnostic("\(source().name) changed while it was read", at: nil)
    }
    var all = classifiers[0]
    for c in classifiers.dropFirst() { all.merge(c) }
    let kinds = wanted.indices.map { all.kind($0) }
    let slots: [Slots?] = wanted.indices.map { c in
      wanted[c] ? Slots(kind: kinds[c], rows: all.rows, nullable: all.anyNull[c]) : nil
    }
    var firstRow = 0
    var builders: [Builder] = parts.indices.map { k in
      defer { firstRow += classifiers[k].rows }
      return Builder(
        p: input.p, slots: slots, kinds: kinds, nulls: input.reading.nulls, firstRow: firstRow,
        cancellation: input.cancellation)
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
    return (kinds, columns)
  }

  /// Pass one over the blocks, both cores taking them in turn: nil when
  /// a block after the first starts inside a quoted field (one holds a
  /// line break), so the blocks are not whole records.
  static func classify(
    _ input: Input, _ parts: [Range<Int>], _ wanted: [Bool], guessing: Bool, _ scanner: CSVScanner,
    _ source: @escaping () -> SourceFile, quotes quotesSeen: ((Int) -> Void)? = nil
  ) throws -> [Classifier]? {
    let p = input.p
    let sample = parts.first.map { $0.lowerBound..<min($0.upperBound, $0.lowerBound + 1 << 16) } ?? 0..<0
    let lines = max(1, p[sample].reduce(0) { $0 + ($1 == 10 ? 1 : 0) })
    var classifiers = parts.map { part in
      // Records in the block, from the lines in its first 64 KB, and a little more.
      let rows = part.count / max(1, sample.count / lines) + part.count / max(1, sample.count / lines) / 16 + 16
      return Classifier(
        p: p, wanted: wanted, reading: input.reading, guessing: guessing, rows: rows, source: source,
        cancellation: input.cancellation)
    }
    // Per block: its quotes (odd: a block after it starts inside a quoted
    // field), the first byte that is not UTF-8, the first NUL, or a
    // malformed record. Each block writes only its own slot.
    var quotes = [Int](repeating: 0, count: parts.count)
    var badUTF8 = [Int?](repeating: nil, count: parts.count)
    var nul = [Int?](repeating: nil, count: parts.count)
    var errors = [Error?](repeating: nil, count: parts.count)
    let several = parts.count > 1 || quotesSeen != nil
    classifiers.withUnsafeMutableBufferPointer { results in
      quotes.withUnsafeMutableBufferPointer { quotes in
        badUTF8.withUnsafeMutableBufferPointer { badUTF8 in
          nul.withUnsafeMutableBufferPointer { nul in
            errors.withUnsafeMutableBufferPointer { failures in
              DispatchQueue.concurrentPerform(iterations: parts.count) { k in
                let range = parts[k]
                let start = p.baseAddress! + range.lowerBound
                defer { input.release(range) }
                if input.cancellation.isRequested {
                  failures[k] = Cancellation.cancelled
                  return
                }
                if several { quotes[k] = countQuotes(p, range) }
                if let bad = TextBytes.firstInvalidUTF8(p, range) {
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
    quotesSeen?(quotes.reduce(0, +))
    // A block starts inside a quoted field when the quotes before it are odd.
    var before = 0
    for k in parts.indices {
      if before % 2 == 1 { return nil }
      before += quotes[k]
    }
    if let bad = badUTF8.compactMap({ $0 }).first { throw TextBytes.notUTF8(p, bad, name: input.name) }
    if let zero = nul.compactMap({ $0 }).first { throw TextBytes.nulByte(p, zero, name: input.name) }
    if let e = errors.compactMap({ $0 }).first { throw e }
    return classifiers
  }

  /// How many `"` bytes are in `range`, eight at a time.
  static func countQuotes(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
    guard let base = p.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    let ones: UInt64 = 0x0101_0101_0101_0101, lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    var i = range.lowerBound, count = 0
    guard memchr(base + i, 34, range.count) != nil else { return 0 }
    while i + 8 <= range.upperBound {
      let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ (ones &* 34)
      count += (~(((x & lows) &+ lows) | x | lows)).nonzeroBitCount
      i += 8
    }
    while i < range.upperBound {
      if p[i] == 34 { count += 1 }
      i += 1
    }
    return count
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
