// Fuzz target: any line through the shell's continuation and history
// functions, and its completion at the end of the line and at one cursor
// position the input's first byte picks (so the fuzzer can steer it).
let shellSession: Session = {
  let s = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
  s.readOnly = true
  return s
}()

func fuzzShell(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  _ = Continuation.needsMore(text)
  _ = Continuation.historyEntry(text)
  let count = text.utf8.count
  let chosen = size == 0 ? 0 : Int(data[0]) * count / 255
  for cursor in Set([count, chosen]) {
    let c = Completion.complete(text, cursor: cursor, session: shellSession)
    _ = c.commonPrefix
  }
  return 0
}
