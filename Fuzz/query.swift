// Fuzz target: any text through the lexer, parser, resolver and
// evaluator. The tables are the built-in ones with the same columns and
// types, cut to about 64 evenly spaced rows each, so that a run takes
// microseconds rather than the milliseconds a 158,400-row join takes under
// ASan: the code paths are the same, and the fuzzer gets through ten million
// inputs in hours instead of days. The session writes no files.
import Foundation

let baseCatalog: Catalog = {
  let full = Dataset.catalog()
  let small = Catalog()
  for name in full.names {
    guard let table = try? full.table(name) else { continue }
    let step = max(1, table.rowCount / 64)
    small.add(name, table: table.gather(Array(stride(from: 0, to: table.rowCount, by: step))), description: name)
  }
  return small
}()

func fuzzQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let session = Session(catalog: baseCatalog.copy(), results: Sink { _ in }, messages: Sink { _ in })
  session.readOnly = true
  session.run(SourceFile(name: "fuzz", text: text), continueOnError: true)
  return 0
}
