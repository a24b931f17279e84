import Foundation
import IQCore
import IQWorkbook

/// A large delimited file read a block at a time, for a query that needs
/// only what each block adds to a running total (`Executor.streamed`): the
/// columns' types are the first block's, and each later block is handed on
/// and let go, so memory holds two batches of blocks, not the file.
///
/// Whatever the whole-file reader would do differently makes `run` give
/// up (false), and the query then reads the file whole as before: a block
/// whose column has another type (a decimal in an int column, a word), a
/// block that starts inside a quoted field, rows under the table that may
/// be notes, any error in the bytes (the whole-file reader reports it).
/// So a streamed answer is always the one reading the file whole gives.
package final class CSVStream {
  private let mapped: CSVReader.MappedFile
  private let input: CSVReader.Input
  private let scanner: CSVScanner
  private let parts: [Range<Int>]
  /// Per column of the file: whether the query reads it, and its kind.
  private let wanted: [Bool]
  private let kinds: [CellKind]
  private let source: () -> SourceFile
  /// The first block, read to find the kinds, and the quotes in it.
  private var first: CSVReader.Classifier?
  private var quotesBefore = 0
  /// The columns read, with their types and no rows: what the plan is resolved against.
  package let schema: Table

  /// Blocks read at once (two a core unless told): one batch goes into
  /// the totals while the next is read.
  private let blocksAtOnce: Int

  /// Nil when the file is not one to stream: standard input, a workbook,
  /// a file of fewer than two blocks, types given by the user, or a first
  /// block that doesn't settle every column's type.
  package init?(
    _ file: FileSource, directory: String?, columns: Set<String>?, blockSize: Int, blocksAtOnce: Int? = nil,
    cancellation: Cancellation
  ) throws {
    self.blocksAtOnce = max(1, blocksAtOnce ?? 2 * ProcessInfo.processInfo.activeProcessorCount)
    let path = filePath(file.path, in: directory)
    let ext = (file.path as NSString).pathExtension.lowercased()
    guard !file.isStandardInput, file.options.types.isEmpty, !WorkbookReader.extensions.contains(ext) else {
      return nil
    }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) >= 2 * blockSize,
      let mapped = CSVReader.MappedFile(fd, size: Int(info.st_size))
    else { return nil }
    self.mapped = mapped
    guard
      let (input, layout, source) = try? CSVReader.prepared(
        CSVReader.Input(p: mapped.bytes, release: mapped.release, blockSize: blockSize, cancellation: cancellation),
        name: file.path, options: file.options, tab: ext == "tsv")
    else { return nil }
    (self.input, self.source) = (input, source)
    let p = input.p
    let scanner = CSVScanner(bytes: p, delimiter: layout.delimiter, source: source)
    let parts = CSVReader.blocks(p, from: layout.dataStart, size: blockSize)
    let wanted = layout.names.map { columns?.contains($0) ?? true }
    (self.scanner, self.parts, self.wanted) = (scanner, parts, wanted)
    guard parts.count >= 2, wanted.contains(true) else { return nil }
    // The first block gives the types.
    var quotes = 0
    guard let firstBlock = try CSVStream.classify(input, [parts[0]], wanted, scanner, source, &quotes)?.first,
      CSVStream.isWhole(firstBlock)
    else { return nil }
    var kinds = [CellKind](repeating: .null, count: wanted.count)
    for c in wanted.indices where wanted[c] {
      guard let g = firstBlock.guesses[c], !g.spoiled, g.kind != .null else { return nil }
      kinds[c] = g.kind
    }
    self.kinds = kinds
    first = firstBlock
    quotesBefore = quotes
    let read = wanted.indices.filter { wanted[$0] }
    schema = Table(
      fields: read.map { Field(layout.names[$0], kinds[$0].type) },
      columns: read.map { ColumnBuilder(type: kinds[$0].type).finish() }, rowCount: 0)
  }

  /// Hands each block's rows to `each` in order, as a table of the schema's
  /// columns; false when it stopped because the file is one to read whole.
  package func run(_ each: (Table) throws -> Void) throws -> Bool {
    var quotes = quotesBefore
    guard let firstBlock = first, let table = block(firstBlock) else { return false }
    first = nil
    // While a batch of blocks goes into the totals here, the next is read
    // on the other cores.
    var reading = read(from: 1)
    defer { reading?.done.wait() }
    try each(table)
    while let batch = reading {
      batch.done.wait()
      // A block after an odd number of quotes starts inside a quoted field.
      if quotes % 2 == 1 { return false }
      quotes += batch.quotes
      guard let blocks = try batch.result.get() else { return false }
      reading = read(from: batch.end)
      for b in blocks {
        guard let table = block(b) else { return false }
        try each(table)
      }
    }
    return true
  }

  /// A batch of blocks being read on another thread.
  private final class Batch: @unchecked Sendable {
    let done = DispatchGroup()
    let end: Int
    var result: Result<[CSVReader.Classifier]?, Error> = .success(nil)
    var quotes = 0
    init(end: Int) { self.end = end }
  }

  /// Starts reading the blocks from `k` (nil: there are none).
  private func read(from k: Int) -> Batch? {
    guard k < parts.count else { return nil }
    let batch = Batch(end: min(k + blocksAtOnce, parts.count))
    let (input, range, wanted, scanner, source) = (input, Array(parts[k..<batch.end]), wanted, scanner, source)
    batch.done.enter()
    DispatchQueue.global().async {
      defer { batch.done.leave() }
      batch.result = Result { try CSVStream.classify(input, range, wanted, scanner, source, &batch.quotes) }
    }
    return batch
  }

  /// Pass one over some blocks, keeping values; nil for any error but
  /// Ctrl-C (the whole-file reader finds it again and says where).
  private static func classify(
    _ input: CSVReader.Input, _ parts: [Range<Int>], _ wanted: [Bool], _ scanner: CSVScanner,
    _ source: @escaping () -> SourceFile, _ quotes: inout Int
  ) throws -> [CSVReader.Classifier]? {
    var seen = 0
    defer { quotes += seen }
    do {
      return try CSVReader.classify(input, parts, wanted, guessing: true, scanner, source) { seen = $0 }
    } catch {
      try input.cancellation.check()
      return nil
    }
  }

  /// A block that ends on a record of data: nothing after it that could
  /// be a note under the table or a misshapen row.
  private static func isWhole(_ b: CSVReader.Classifier) -> Bool {
    b.tail.hasData && b.tail.firstBlank == nil && b.tail.singlesBefore == 0 && b.tail.singlesAfter == 0
      && b.tail.misshapen == nil
  }

  /// A block's columns in the schema's types; nil when one has another.
  private func block(_ b: CSVReader.Classifier) -> Table? {
    guard CSVStream.isWhole(b) else { return nil }
    var columns: [Column] = []
    for c in wanted.indices where wanted[c] {
      var guesses = [b.guesses[c]!]
      guard let (kind, column) = CSVReader.Guess.merge(&guesses, rows: b.rows) else { return nil }
      switch (kind, kinds[c]) {
      case _ where kind == kinds[c]: columns.append(column)
      case (.null, _): columns.append(Column.repeating(.null, type: kinds[c].type, count: b.rows))
      case (.int, .number): columns.append(column.widened(to: .number))
      default: return nil
      }
    }
    return Table(fields: schema.fields, columns: columns, rowCount: b.rows)
  }
}
