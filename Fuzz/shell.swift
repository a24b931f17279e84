// libFuzzer target: any line through the shell's completion (at every
// cursor position), continuation and history functions.
let shellSession: Session = {
  let s = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
  s.readOnly = true
  return s
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShell(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  _ = Continuation.needsMore(text)
  _ = Continuation.historyEntry(text)
  let count = text.utf8.count
  for cursor in stride(from: 0, through: count, by: max(1, count / 16)) {
    let c = Completion.complete(text, cursor: cursor, session: shellSession)
    _ = c.commonPrefix
  }
  return 0
}
