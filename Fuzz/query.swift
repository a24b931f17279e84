// libFuzzer target: any text through the lexer, parser, resolver and
// evaluator, on the built-in data. The session writes no files.
import Foundation

let baseCatalog: Catalog = {
  let c = Dataset.catalog()
  for name in c.names { _ = try? c.table(name) }
  return c
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let session = Session(catalog: baseCatalog.copy(), results: Sink { _ in }, messages: Sink { _ in })
  session.readOnly = true
  session.run(SourceFile(name: "fuzz", text: text), continueOnError: true)
  return 0
}
