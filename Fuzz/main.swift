import Foundation

// One libFuzzer binary for the four targets, so they are built once;
// IQ_FUZZ_TARGET (query, csv, shell or workbook) picks the one a run exercises.
let fuzzTarget = ProcessInfo.processInfo.environment["IQ_FUZZ_TARGET"] ?? "query"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  switch fuzzTarget {
  case "csv": return fuzzCSV(data, size)
  case "shell": return fuzzShell(data, size)
  case "workbook": return fuzzWorkbook(data, size)
  default: return fuzzQuery(data, size)
  }
}
