import Foundation

// One libFuzzer binary for the three targets, so they are built once;
// IQ_FUZZ_TARGET (query, csv or shell) picks the one a run exercises.
let fuzzTarget = ProcessInfo.processInfo.environment["IQ_FUZZ_TARGET"] ?? "query"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  switch fuzzTarget {
  case "csv": return fuzzCSV(data, size)
  case "shell": return fuzzShell(data, size)
  default: return fuzzQuery(data, size)
  }
}
