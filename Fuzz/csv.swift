// Fuzz target: any bytes through the CSV reader, with options chosen by the
// first byte (delimiter, skip, header, nulls, types, tab by name), read both
// whole and in 64-byte blocks, which must agree; then every column through
// the printers, and the bytes as Excel format codes.
func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  guard size > 0 else { return 0 }
  let control = data[0]
  let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
  var options = ReadOptions()
  switch control & 7 {
  case 1: options.delimiter = 44
  case 2: options.delimiter = 59
  case 3: options.delimiter = 9
  case 4: options.delimiter = 124
  default: break
  }
  if control & 8 != 0 { options.skip = Int(control >> 6) }
  switch (control >> 4) & 3 {
  case 1: options.header = 0
  case 2: options.header = 2
  default: break
  }
  if control & 0x40 != 0 { options.nulls = ["n/k", "x"] }
  if control & 0x80 != 0 { options.types = ["a": .money, "b": .date, "c": .number, "d": .int] }
  let tab = control & 0x10 != 0
  func read(blockSize: Int) -> FileRead? {
    bytes.withUnsafeBufferPointer { p in
      try? CSVReader.parse(
        CSVReader.Input(p: p, blockSize: blockSize, cancellation: Cancellation()), name: "fuzz.csv",
        options: options, tab: tab, columns: nil)
    }
  }
  let whole = read(blockSize: CSVReader.blockSize)
  let blocks = read(blockSize: 64)
  guard (whole == nil) == (blocks == nil) else {
    fatalError("read whole \(whole == nil ? "failed" : "worked"), in blocks \(blocks == nil ? "failed" : "worked")")
  }
  if let a = whole?.table, let b = blocks?.table {
    guard a.fields == b.fields, a.rowCount == b.rowCount else { fatalError("whole and blocks differ in shape") }
    for c in a.columns.indices {
      for r in 0..<a.rowCount where a.columns[c][r] != b.columns[c][r] {
        guard case .number(let x) = a.columns[c][r], case .number(let y) = b.columns[c][r], x.isNaN && y.isNaN else {
          fatalError("whole and blocks differ at row \(r), column \(c)")
        }
      }
    }
    for format in OutputFormat.allCases { _ = try? Output.render(a, as: format, cancellation: Cancellation()) }
  }
  // The bytes as format codes, and as text read with them.
  let code = String(decoding: bytes.prefix(64), as: UTF8.self)
  _ = ExcelFormat.format(number: -1234.567, code)
  _ = ExcelFormat.format(date: 16526, code)
  _ = ExcelFormat.parseDate(String(decoding: bytes.dropFirst(64).prefix(64), as: UTF8.self), code)
  _ = CellText.number(code)
  _ = CellText.date(code)
  return 0
}
