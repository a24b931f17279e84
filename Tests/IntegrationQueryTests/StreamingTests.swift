import XCTest

@testable import IQCore
@testable import IQEngine
@testable import IQSyntax
@testable import IntegrationQuery

/// A summarize of a large file runs a block at a time; these check it gives
/// exactly what reading the file whole gives (rows, order, types, nulls,
/// money to the penny, warnings), over many block boundaries, one block or
/// several at once, and that a file it can't stream is read whole instead.
final class StreamingTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("iq-streaming-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

  /// A file of `rows` episodes; `amounts` says how the amount column is
  /// written in each part of it, to cross the types the first block finds.
  func episodes(
    rows: Int, seed: UInt64, decimalsFrom: Int, decimalsUntil: Int = .max, wordAt: Int?, quoted: Bool
  ) throws -> String {
    var rng = SeededGenerator(seed: seed)
    var text = "id,area,ward,amount,cost,admitted,los\n"
    let areas = ["E06000001", "E06000002", "e\u{301}", "é", "E08000012", ""]
    for i in 0..<rows {
      let area = areas[Int.random(in: 0..<areas.count, using: &rng)]
      let ward = quoted ? "\"Ward, \(Int.random(in: 0..<3, using: &rng))\"" : "W\(Int.random(in: 0..<3, using: &rng))"
      var amount = String(Int.random(in: -50...500, using: &rng))
      if i >= decimalsFrom && i < decimalsUntil { amount += ".\(Int.random(in: 0..<100, using: &rng))" }
      if Int.random(in: 0..<15, using: &rng) == 0 { amount = "" }
      if i == wordAt { amount = "n/k?" }
      let pounds = Int.random(in: 0..<100_000, using: &rng)
      let cost =
        Int.random(in: 0..<20, using: &rng) == 0 ? "" : "£\(pounds / 100).\(String(format: "%02d", pounds % 100))"
      let day = Int.random(in: 1...28, using: &rng)
      let admitted =
        "2016-\(String(format: "%02d", Int.random(in: 1...12, using: &rng)))-\(String(format: "%02d", day))"
      let los = Int.random(in: 0..<10, using: &rng) == 0 ? "" : String(Int.random(in: 0...40, using: &rng))
      text += "\(i + 1),\(area),\(ward),\(amount),\(cost),\(admitted),\(los)\n"
    }
    let path = directory.appendingPathComponent("e\(seed).csv").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func testStreamedSummariesMatchReadingTheFileWhole() throws {
    let queries = [
      "summarize n = count(), total = sum(cost), mean = avg(cost) by area",
      "where los > 5 | summarize n = count(los), s = sum(amount), a = avg(amount) by area, ward",
      "summarize low = min(amount), high = max(cost), first_day = min(admitted), last_day = max(admitted)",
      "derive m = month(admitted), half = amount / 2 | summarize total = round(sum(half), 2), n = count() by m",
      "where area == \"E06000001\" or amount > 400 | count",
      "summarize mean = avg(los), s = sum(los) by los > 20 | sort mean desc",
      "where area == \"E0600000l\" | count",
      "derive r = amount / (los - los) | summarize s = sum(r), n = count() by ward",
      "select area, cost | summarize spent = sum(cost) * 2, share = sum(cost) / 1000 by area | take 3",
      "summarize n = count() by id",
      "where ward == \"W1\" | summarize c = count(), m = avg(cost) by area | derive change = c - lag(c)",
      "join areas on area | summarize n = count() by region",
      "summarize n = count() by ward, area | derive k = rank(), r = row_number() by ward",
      "join left areas on area | summarize n = count(), s = sum(cost) by region",
    ]
    var streamed = 0
    for seed in UInt64(1)...8 {
      let rows = 1_500 + Int(seed) * 211
      // Decimals throughout, only early (later blocks of whole numbers
      // widen), or only late (the first block's int is wrong: read whole);
      // a word late; quoted fields.
      let path = try episodes(
        rows: rows, seed: seed, decimalsFrom: seed % 3 == 0 ? rows / 2 : 0,
        decimalsUntil: seed % 3 == 1 ? rows / 3 : .max, wordAt: seed == 5 ? rows - 7 : nil, quoted: seed % 4 == 2)
      for query in queries {
        let text = "from \"\(path)\" | \(query)"
        let p = try Session.onePipeline(SourceFile(name: "t", text: text), otherwise: Diagnostic("one", at: nil))
        let whole = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
        let blocks = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
        blocks.streamBlockSize = 2_048 + Int(seed) * 97
        blocks.streamBlocksAtOnce = Int(seed % 3) + 1
        let a: QueryOutcome, b: QueryOutcome
        do { a = try whole.evaluate(p, after: { _, _ in }) } catch {
          XCTAssertThrowsError(try blocks.evaluate(p), text) { XCTAssertEqual("\($0)", "\(error)") }
          continue
        }
        b = try blocks.evaluate(p)
        if blocks.lastStreamed { streamed += 1 }
        XCTAssertEqual(a.table.fields.map(\.name), b.table.fields.map(\.name), text)
        XCTAssertEqual(a.table.fields.map(\.type), b.table.fields.map(\.type), text)
        XCTAssertEqual(a.table.rowCount, b.table.rowCount, text)
        guard a.table.rowCount == b.table.rowCount else { continue }
        for c in a.table.columns.indices {
          let x = (0..<a.table.rowCount).map { a.table.columns[c][$0] }
          let y = (0..<b.table.rowCount).map { b.table.columns[c][$0] }
          XCTAssertEqual(x, y, "\(text): \(a.table.fields[c].name), seed \(seed)")
        }
        XCTAssertEqual(a.warnings.diagnostics.map(\.message), b.warnings.diagnostics.map(\.message), text)
      }
    }
    // Most ran a block at a time; the rest were read whole, as they must be.
    XCTAssertGreaterThan(streamed, 40)
  }

  func testAFileThatCantBeStreamedIsReadWhole() throws {
    let session = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
    session.streamBlockSize = 2_048
    func run(_ path: String, _ query: String) throws -> Bool {
      let text = "from \"\(path)\" | \(query)"
      _ = try session.evaluate(
        try Session.onePipeline(SourceFile(name: "t", text: text), otherwise: Diagnostic("one", at: nil)))
      return session.lastStreamed
    }
    let plain = try episodes(rows: 2_000, seed: 11, decimalsFrom: 0, wordAt: nil, quoted: false)
    XCTAssertTrue(try run(plain, "summarize n = count() by area"))
    XCTAssertFalse(try run(plain, "derive r = row_number() | summarize n = count() by area"))  // a window
    XCTAssertFalse(try run(plain, "summarize m = median(cost) by area"))  // not a running total
    XCTAssertFalse(try run(plain, "where area == \"nowhere\" | count"))  // keeps nothing: warns over the whole file
    let late = try episodes(rows: 2_000, seed: 12, decimalsFrom: 1_500, wordAt: nil, quoted: false)
    XCTAssertFalse(try run(late, "summarize s = sum(amount)"))  // int in the first block, numbers later
    var notes = try String(contentsOfFile: plain, encoding: .utf8)
    notes += "\nSource: a test\n"
    let withNotes = directory.appendingPathComponent("notes.csv").path
    try notes.write(toFile: withNotes, atomically: true, encoding: .utf8)
    XCTAssertFalse(try run(withNotes, "summarize n = count()"))
    // Ctrl-C stops it like any query.
    session.cancellation.requestFromSignal()
    XCTAssertThrowsError(try run(plain, "summarize n = count() by area")) {
      XCTAssertEqual(($0 as? Diagnostic)?.message, "query cancelled")
    }
  }
}

/// SplitMix64: the same numbers for the same seed, so a failure repeats.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
