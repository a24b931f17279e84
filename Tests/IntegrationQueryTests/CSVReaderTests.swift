import XCTest

@testable import IQBuiltins
@testable import IQCore
@testable import IQDataset
@testable import IQEngine
@testable import IQOutput
@testable import IQPlan
@testable import IQSQL
@testable import IQSyntax
@testable import IntegrationQuery

final class CSVReaderTests: XCTestCase {
  func read(_ text: String) throws -> Table {
    try CSVReader.parse(Array(text.utf8), name: "t.csv", cancellation: Cancellation()).table
  }

  func error(_ text: String) -> String {
    do {
      _ = try read(text)
      return "no error"
    } catch let d as Diagnostic {
      guard let file = d.file, let span = d.span else { return d.message }
      let (l, c) = file.location(of: span.start)
      return "\(l):\(c) \(d.message)"
    } catch {
      return "\(error)"
    }
  }

  func testQuotedFieldsCommasQuotesNewlines() throws {
    let t = try read("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n")
    XCTAssertEqual(t.rowCount, 2)
    XCTAssertEqual(t.columns[0][0], .text("x, y"))
    XCTAssertEqual(t.columns[1][0], .text("say \"hi\""))
    XCTAssertEqual(t.columns[0][1], .text("two\nlines"))
  }

  func testCRLFBomAndNoFinalNewline() throws {
    let t = try CSVReader.parse(
      [0xEF, 0xBB, 0xBF] + Array("a,b\r\n1,2\r\n3,4".utf8), name: "t", cancellation: Cancellation()
    ).table
    XCTAssertEqual(t.fields.map(\.name), ["a", "b"])
    XCTAssertEqual(t.rowCount, 2)
    XCTAssertEqual(t.columns[1][1], .int(4))
  }

  func testTypeInference() throws {
    let t = try read("i,n,m,d,b,s,e\n1,1.5,\"£1,200.50\",2015-04-01,true,x,\n-2,3,£300,2016-01-31,FALSE,NA,NA\n")
    XCTAssertEqual(t.fields.map(\.type), [.int, .number, .money, .date, .bool, .text, .text])
    XCTAssertEqual(t.columns[2][0], .money(120_050))
    XCTAssertEqual(t.columns[2][1], .money(30_000))
    XCTAssertEqual(t.columns[5][1], .null)
    XCTAssertEqual(t.columns[6][0], .null)
  }

  /// Found by the CSV fuzzer: an int before a money value made the column
  /// money, and reading the int as money then failed.
  func testMixedIntAndMoneyIsText() throws {
    let t = try read("a\n6\n-£5\n")
    XCTAssertEqual(t.fields[0].type, .text)
    XCTAssertEqual(t.columns[0][0], .text("6"))
    let u = try read("a\n-£5\n6\n2015-01-01\ntrue\n")
    XCTAssertEqual(u.fields[0].type, .text)
  }

  func testNullSpellings() throws {
    let t = try read("x\n1\nNA\n-\n\n2\n#N/A\n[c]\n..\n n/a \n")
    XCTAssertEqual(t.rowCount, 8, "a blank line is skipped, not an empty field of the one column")
    XCTAssertEqual(
      (0..<t.rowCount).map { t.columns[0][$0] }, [.int(1), .null, .null, .int(2), .null, .null, .null, .null])
  }

  func testMoneyParsing() {
    XCTAssertEqual(Money.parse("£1,200.50"), 120_050)
    XCTAssertEqual(Money.parse("-£5"), -500)
    XCTAssertEqual(Money.parse("£-5.5"), -550)
    XCTAssertNil(Money.parse("£1,20"))
    XCTAssertNil(Money.parse("£1.234"))
    XCTAssertNil(Money.parse("1200"))
  }

  func testMalformedFilesAreRefusedWithAPosition() {
    XCTAssertEqual(error("a,b\n1,\"open\n"), "2:3 unterminated quoted field")
    XCTAssertEqual(error("a,b\n1,2,3\n"), "2:5 row has 3 fields but the header has 2")
    XCTAssertEqual(error("a,b\n1\n"), "2:2 row has 1 field but the header has 2")
    XCTAssertEqual(error("a\n\"x\"y\n"), "2:4 text after the closing quote of a field")
    XCTAssertTrue(error("a\nx\u{0}y\n").contains("NUL byte at line 2, column 2"))
    XCTAssertTrue(error("").contains("empty"))
  }

  func testInvalidUTF8() {
    do {
      _ = try CSVReader.parse(Array("a\nok\n".utf8) + [0xC3, 0x28], name: "t.csv", cancellation: Cancellation())
      XCTFail("invalid UTF-8 was read")
    } catch let d as Diagnostic {
      XCTAssertEqual(d.message, "t.csv is not UTF-8: byte 0xC3 at line 3, column 1")
    } catch {
      XCTFail("\(error)")
    }
  }

  func testDuplicateAndEmptyHeaders() throws {
    let t = try read("a,a,\n1,2,3\n")
    XCTAssertEqual(t.fields.map(\.name), ["a", "a_2", "column_3"])
  }

  /// A file of `rows` records with text, nulls, ints, numbers and dates.
  func sample(rows: Int) -> String {
    var text = "id,area,kind,n,x,when\n"
    for i in 0..<rows {
      let kind = i % 7 == 0 ? "" : ["emergency", "elective", "maternity", "caf\u{e9}"][i % 4]
      text += "\(i),E0\(i % 152),\(kind),\(i % 11 == 0 ? "NA" : String(i * 3)),\(Double(i) / 4),2015-0\(i % 9 + 1)-01\n"
    }
    return text
  }

  func rows(_ t: Table) -> [[Value]] { (0..<t.rowCount).map { r in t.columns.map { $0[r] } } }

  func path(_ name: String, _ text: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("iq-\(getpid())-\(name)")
    try text.write(to: url, atomically: true, encoding: .utf8)
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
  }

  func testBlocksAndAMappedFileReadTheSameAsOnePass() throws {
    let text = sample(rows: 20_000)
    let whole = try read(text)
    let file = try path("blocks.csv", text)
    // Blocks of 4 KB: about a hundred, each with its own dictionaries, merged.
    let blocked = try CSVReader.read(
      path: file, columns: nil, mapAbove: Int.max, blockSize: 4096, cancellation: Cancellation()
    ).table
    let mapped = try CSVReader.read(
      path: file, columns: nil, mapAbove: 0, blockSize: 4096, cancellation: Cancellation()
    ).table
    XCTAssertEqual(whole.fields, blocked.fields)
    XCTAssertEqual(whole.fields.map(\.type), [.int, .text, .text, .int, .number, .date])
    XCTAssertEqual(rows(whole), rows(blocked))
    XCTAssertEqual(rows(whole), rows(mapped))
    guard case .coded(_, let dictionary) = mapped.columns[1].data else { return XCTFail("area is not coded") }
    XCTAssertEqual(dictionary.count, 152)
    // A quoted line break near the end: the file is read as one block.
    let quoted = text + "20000,\"E0\n1\",x,1,1,2015-01-01\n"
    let q = try CSVReader.read(
      path: try path("quoted.csv", quoted), columns: nil, mapAbove: 0, blockSize: 4096, cancellation: Cancellation()
    ).table
    XCTAssertEqual(rows(q), rows(try read(quoted)))
    XCTAssertEqual(q.columns[1][20_000], .text("E0\n1"))
  }

  func testAnErrorInALaterBlockHasItsLine() throws {
    let file = try path("late-error.csv", sample(rows: 5_000) + "1,2\n")
    XCTAssertThrowsError(
      try CSVReader.read(path: file, columns: nil, mapAbove: 0, blockSize: 4096, cancellation: Cancellation())
    ) { e in
      let d = e as! Diagnostic
      XCTAssertEqual(d.message, "row has 2 fields but the header has 6")
      XCTAssertEqual(d.file.map { $0.location(of: d.span!.start).line }, 5_002)
    }
    let bad = try path("late-utf8.csv", sample(rows: 5_000) + "1,\u{0},x,1,1,2015-01-01\n")
    XCTAssertThrowsError(
      try CSVReader.read(path: bad, columns: nil, mapAbove: 0, blockSize: 4096, cancellation: Cancellation())
    ) { e in
      XCTAssertEqual((e as! Diagnostic).message, "\(bad) has a NUL byte at line 5002, column 3: it is not a text file")
    }
  }

  func testOnlyTheColumnsAskedForAreBuilt() throws {
    let file = try path("some.csv", sample(rows: 100))
    let t = try CSVReader.read(path: file, columns: ["x", "area", "nothing"], cancellation: Cancellation()).table
    XCTAssertEqual(t.fields.map(\.name), ["area", "x"])
    XCTAssertEqual(t.rowCount, 100)
    XCTAssertEqual(rows(t), rows(try read(sample(rows: 100))).map { [$0[1], $0[4]] })
    XCTAssertEqual(try CSVReader.read(path: file, columns: [], cancellation: Cancellation()).table.rowCount, 100)
  }

  /// The one-pass reader (values kept in the type guessed so far) gives
  /// the same types and values as the two passes, for random mixes of
  /// ints, decimals, money, dates, bools, words and nulls in small blocks.
  func testOnePassAgreesWithTwoPasses() throws {
    let pools: [[String]] = [
      ["1", "-7", "42", "", "NA"], ["1", "2.5", "-0.25", "1e3", "-"], ["£5", "-£1.20", "£1,000", ""],
      ["2015-04-01", "2016-02-29", ""], ["true", "FALSE", ""], ["x", "emergency", "caf\u{e9}", ""],
      ["1", "£5", "2015-04-01", "true", "x", "2.5", ""],
    ]
    var rng = SystemRandomNumberGenerator()
    for trial in 0..<300 {
      // Each column draws from one pool, or now and then from two.
      let columns = (0..<3).map { _ in
        pools.randomElement(using: &rng)!
          + (Int.random(in: 0..<4, using: &rng) == 0 ? pools.randomElement(using: &rng)! : [])
      }
      let rows = Int.random(in: 1..<60, using: &rng)
      var text = "a,b,c\n"
      for r in 0..<rows {
        // Blocks of 64 bytes: make later rows differ from earlier ones.
        var cells = columns.map { pool in pool[(r * 7 + Int.random(in: 0..<pool.count, using: &rng)) % pool.count] }
        // A line of bare commas is blank, not a record: write one null.
        if cells.allSatisfy(\.isEmpty) { cells[0] = "NA" }
        text += cells.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n"
      }
      let bytes = Array(text.utf8)
      try bytes.withUnsafeBufferPointer { p in
        let input = CSVReader.Input(p: p, blockSize: 64, cancellation: Cancellation())
        let from = bytes.firstIndex(of: 10)! + 1
        let source = { SourceFile(name: "t.csv", text: text) }
        let one = try CSVReader.readColumns(input, from: from, names: ["a", "b", "c"], wanted: nil, source: source)
        let parts = CSVReader.blocks(p, from: from, size: 64)
        let scanner = CSVScanner(bytes: p, source: source)
        let blocks = parts.count > 1 && text.contains("\"") ? [from..<p.count] : parts
        let two = try CSVReader.readTwice(input, blocks, [true, true, true], scanner, source)
        XCTAssertEqual(one.fields.map(\.type), two.kinds.map { $0 == .null ? .text : $0.type }, "trial \(trial):\n\(text)")
        for c in 0..<3 {
          XCTAssertEqual(
            (0..<rows).map { one.columns[c]![$0] }, (0..<rows).map { two.columns[c]![$0] },
            "trial \(trial) column \(c):\n\(text)")
        }
      }
    }
  }

  /// The quick scanner for ranges without quotes visits the same fields and
  /// records as the general one, on random mixes of commas, CR, LF and text
  /// (blank lines, CRLF, a lone CR, no final line break).
  func testUnquotedScanMatchesTheGeneralScan() throws {
    struct Trace: CSVVisitor {
      var events: [String] = []
      mutating func field(_ column: Int, _ start: Int, _ end: Int, cell: Int, escaped: Bool) {
        events.append("f\(column):\(start)-\(end)@\(cell)")
      }
      mutating func record(fields: Int, end: Int) throws { events.append("r\(fields):\(end)") }
    }
    let alphabet: [UInt8] = Array("ab1,,\n\n\r ".utf8)
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<5000 {
      let bytes = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
      try bytes.withUnsafeBufferPointer { p in
        let scanner = CSVScanner(bytes: p, source: { SourceFile(name: "t", text: "") })
        let from = Int.random(in: 0...bytes.count, using: &rng)
        var general = Trace(), quick = Trace()
        try scanner.scan(from: from, to: bytes.count, &general)
        try scanner.scanUnquoted(from: from, to: bytes.count, &quick)
        XCTAssertEqual(general.events, quick.events, "\(Array(bytes[from...]).map { Character(Unicode.Scalar($0)) })")
      }
    }
  }
}
