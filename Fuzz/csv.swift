// Fuzz target: any bytes through the CSV reader, then every column
// through the printers.
func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  if let table = try? CSVReader.parse(bytes, name: "fuzz.csv", cancellation: Cancellation()) {
    for format in OutputFormat.allCases { _ = try? Output.render(table, as: format, cancellation: Cancellation()) }
  }
  return 0
}
