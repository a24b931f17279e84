// Writes the built-in tables from the raw files in Data/ to
// Sources/CIQData/tables/, where the build embeds them in the binary.
//   swift run build-dataset [DATA_DIR] [OUT_DIR]
import Foundation
import IQDataset

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
let args = CommandLine.arguments.dropFirst()
let data = args.first.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("Data")
let out =
  args.dropFirst().first.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("Sources/CIQData/tables")
do {
  let tables = try DatasetConverter.convert(data: data)
  try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
  for (name, text) in tables.sorted(by: { $0.key < $1.key }) {
    try Data(text.utf8).write(to: out.appendingPathComponent(name))
    print("\(name): \(text.utf8.count) bytes")
  }
} catch {
  FileHandle.standardError.write(Data("build-dataset: \(error)\n".utf8))
  exit(1)
}
