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

/// The engine's fast paths give what the plain ones give.
final class EngineTests: XCTestCase {
  func testTopNMatchesAFullStableSort() throws {
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<20 {
      let rows = Int.random(in: 50...2_000, using: &rng)
      let values = (0..<rows).map { _ in Int64.random(in: 0..<40, using: &rng) }  // many ties
      let valid = (0..<rows).map { _ in Int.random(in: 0..<10, using: &rng) != 0 }  // some nulls
      let column = Column(.int(values), valid: valid)
      for descending in [true, false] {
        let n = Int.random(in: 1...20, using: &rng)
        let full = Array(
          try Sorting.permutation(rows: rows, keys: [(column, descending)], cancellation: Cancellation()).prefix(n))
        XCTAssertEqual(
          try Sorting.top(n, rows: rows, key: column, descending: descending, cancellation: Cancellation()), full)
      }
    }
  }

  /// The radix sort over codes gives the order comparing values gives
  /// (stable, nulls last both ways) for every type, several keys, both
  /// directions, constant and all-null keys, text with code-point order,
  /// and sizes on both sides of the one-slice and one-core thresholds.
  func testCodedSortMatchesTheComparedSort() throws {
    var rng = SystemRandomNumberGenerator()
    let words = ["b", "a", "B", "é", "e\u{301}", "", "ab", "a b", "£5"]
    func column(_ kind: Int, rows: Int) -> Column {
      let valid = (0..<rows).map { _ in Int.random(in: 0..<8, using: &rng) != 0 }
      switch kind {
      case 0:
        return Column(.int((0..<rows).map { _ in Int64.random(in: -5...5, using: &rng) * (1 << 40) }), valid: valid)
      case 1:
        let special: [Double] = [0, -0.0, 1e300, -1e300, 0.1, -0.1, 5e-324]
        return Column(
          .number(
            (0..<rows).map { _ in
              Bool.random(using: &rng)
                ? special.randomElement(using: &rng)! : Double.random(in: -3...3, using: &rng).rounded() / 2
            }),
          valid: valid)
      case 2:
        return Column(.money((0..<rows).map { _ in Int64.random(in: Int64.min / 2...Int64.max / 2, using: &rng) / 1 }))
      case 3: return Column(.date((0..<rows).map { _ in Int32.random(in: -400...400, using: &rng) }), valid: valid)
      case 4: return Column(.bool((0..<rows).map { _ in Bool.random(using: &rng) }), valid: valid)
      case 5: return Column(.text((0..<rows).map { _ in words.randomElement(using: &rng)! }), valid: valid)
      case 6:
        return Column(
          .coded((0..<rows).map { _ in UInt32.random(in: 0..<UInt32(words.count), using: &rng) }, dictionary: words),
          valid: valid)
      case 7: return Column(.int([7]))  // a constant, broadcast
      case 8: return Column(.int([Int64](repeating: 0, count: rows)), valid: [Bool](repeating: false, count: rows))
      default:
        let extremes = [Int64.min, Int64.max] + (0..<rows).map { _ in Int64.random(in: .min ... .max, using: &rng) }
        return Column(.int(Array(extremes.prefix(rows))), valid: valid)
      }
    }
    for rows in [0, 1, 2, 63, 64, 65, 1_000, 65_535, 65_536, 200_001] {
      for _ in 0..<(rows > 10_000 ? 2 : 12) {
        let keys = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
          (column(Int.random(in: 0...9, using: &rng), rows: rows), descending: Bool.random(using: &rng))
        }
        let expected = try Sorting.comparedPermutation(rows: rows, keys: keys, cancellation: Cancellation())
        let kinds = keys.map { "\($0.0.type)\($0.descending ? " desc" : "")" }
        XCTAssertEqual(
          try Sorting.permutation(rows: rows, keys: keys, cancellation: Cancellation()), expected,
          "\(rows) rows by \(kinds)")
        let n = Int.random(in: 1...50, using: &rng)
        XCTAssertEqual(
          try Sorting.top(n, rows: rows, keys: keys, cancellation: Cancellation()), Array(expected.prefix(n)),
          "top \(n) of \(rows) rows by \(kinds)")
      }
    }
  }

  /// The one-loop comparisons and `and`/`or` give what comparing each
  /// row's values gives: nulls, constants on either side, every operator.
  func testComparisonKernelsMatchRowByRow() {
    var rng = SystemRandomNumberGenerator()
    let ops: [BinaryOp] = [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]
    for _ in 0..<200 {
      let rows = Int.random(in: 1...300, using: &rng)
      let asNumbers = Bool.random(using: &rng)
      func column() -> Column {
        let n = Bool.random(using: &rng) ? 1 : rows
        let values = (0..<n).map { _ in Int64.random(in: -3...3, using: &rng) }
        let valid = Bool.random(using: &rng) ? nil : (0..<n).map { _ in Int.random(in: 0..<4, using: &rng) != 0 }
        return asNumbers
          ? Column(.number(values.map { Double($0) / 2 }), valid: valid) : Column(.int(values), valid: valid)
      }
      let (a, b) = (column(), column())
      func number(_ v: Value) -> Double? {
        switch v {
        case .int(let x): return Double(x)
        case .number(let x): return x
        default: return nil
        }
      }
      let op = ops.randomElement(using: &rng)!
      let got = Kernels.compare(op, a, b, rows: rows)
      let n = a.count == 1 && b.count == 1 ? 1 : rows
      for i in 0..<n {
        let x = a[a.count == 1 ? 0 : i], y = b[b.count == 1 ? 0 : i]
        guard let p = number(x), let q = number(y) else {
          XCTAssertTrue(got.isNull(i), "\(x) \(op) \(y)")
          continue
        }
        let want: Bool
        switch op {
        case .equal: want = p == q
        case .notEqual: want = p != q
        case .less: want = p < q
        case .lessEqual: want = p <= q
        case .greater: want = p > q
        default: want = p >= q
        }
        XCTAssertEqual(got[i], .bool(want), "\(x) \(op) \(y)")
      }
      // `and`/`or` of two such answers, three-valued.
      let other = Kernels.compare(ops.randomElement(using: &rng)!, b, a, rows: rows)
      for logic in [BinaryOp.and, .or] {
        let both = Kernels.logic(logic, got, other, rows: rows)
        for i in 0..<n {
          let p = got[got.count == 1 ? 0 : i], q = other[other.count == 1 ? 0 : i]
          let want: Value
          if logic == .and {
            want = p == .bool(false) || q == .bool(false) ? .bool(false) : (p.isNull || q.isNull ? .null : .bool(true))
          } else {
            want = p == .bool(true) || q == .bool(true) ? .bool(true) : (p.isNull || q.isNull ? .null : .bool(false))
          }
          XCTAssertEqual(both[both.count == 1 ? 0 : i], want, "\(p) \(logic) \(q)")
        }
      }
    }
  }

  /// The merge sort is stable and agrees with the standard library's sort
  /// broken by position, over sizes around its run length and merges.
  func testStableSortMatchesTheStandardSort() throws {
    var rng = SystemRandomNumberGenerator()
    for n in [0, 1, 2, 1_000, 16_383, 16_384, 16_385, 32_769, 70_001, 200_000] {
      let keys = (0..<n).map { _ in Int.random(in: 0..<(n / 3 + 1), using: &rng) }
      let sorted = try Sorting.stableSort(n, cancellation: Cancellation()) {
        keys[$0] < keys[$1] ? -1 : (keys[$0] > keys[$1] ? 1 : 0)
      }
      let expected = (0..<n).sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
      XCTAssertEqual(sorted, expected, "n = \(n)")
    }
  }

  /// A Ctrl-C during a sort, a grouping or a join stops it with "query
  /// cancelled" rather than when the step ends; another session's token,
  /// not asked, lets the same work finish.
  func testCancellationStopsLongLoops() throws {
    let stop = Cancellation()
    stop.requestFromSignal()
    let other = Cancellation()
    let rows = 200_000
    let column = Column(.int((0..<Int64(rows)).map { ($0 * 7919) % 1000 }))
    XCTAssertThrowsError(try Sorting.permutation(rows: rows, keys: [(column, false)], cancellation: stop))
    XCTAssertThrowsError(try Grouping(keys: [column], rows: rows, cancellation: stop))
    XCTAssertThrowsError(
      try Executor.matches(left: [column], leftRows: rows, right: [column], rightRows: rows, cancellation: stop))
    XCTAssertThrowsError(try Sorting.top(5, rows: rows, key: column, descending: true, cancellation: stop))
    XCTAssertEqual(try Sorting.permutation(rows: rows, keys: [(column, false)], cancellation: other).count, rows)
    XCTAssertEqual(try Grouping(keys: [column], rows: rows, cancellation: other).count, 1000)
  }

  /// A session's Ctrl-C stops that session's query and no other's.
  func testEachSessionHasItsOwnCancellation() {
    var out = ""
    let stopped = Session.builtIn(results: Sink { out += $0 }, messages: Sink { out += $0 })
    let running = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
    stopped.cancellation.requestFromSignal()
    XCTAssertFalse(stopped.run(SourceFile(name: "t", text: "from delayed_days | count")))
    XCTAssertTrue(out.contains("query cancelled"), out)
    XCTAssertTrue(running.run(SourceFile(name: "t", text: "from delayed_days | count")))
  }

  func testTypedJoinMatchesTheGeneralOne() throws {
    let left = [Column(.text(["a", "b", "c", "a", ""]), valid: [true, true, true, true, false])]
    let right = [Column(.text(["a", "c", "a", "d"]))]
    let typed = try Executor.matches(left: left, leftRows: 5, right: right, rightRows: 4, cancellation: Cancellation())
    XCTAssertEqual((0..<5).map { Array(typed[$0] ?? []) }, [[0, 2], [], [1], [0, 2], []])
    // Two keys take the general path and agree.
    let two = try Executor.matches(
      left: left + left, leftRows: 5, right: right + right, rightRows: 4, cancellation: Cancellation())
    XCTAssertEqual((0..<5).map { Array(two[$0] ?? []) }, [[0, 2], [], [1], [0, 2], []])
  }

  /// Joins on several keys (stacked and grouped, no boxed values) match
  /// exactly the right rows a row-by-row comparison matches: nulls match
  /// nothing, text by code points (é is not e + accent), -0 equals 0,
  /// dictionaries that differ between the two sides.
  func testStackedJoinMatchesComparingEveryPair() throws {
    var rng = SystemRandomNumberGenerator()
    let words = ["a", "b", "é", "e\u{301}", ""]
    for _ in 0..<60 {
      let (nl, nr) = (Int.random(in: 0...60, using: &rng), Int.random(in: 0...40, using: &rng))
      func pair() -> (Column, Column) {
        func valid(_ n: Int) -> [Bool] { (0..<n).map { _ in Int.random(in: 0..<6, using: &rng) != 0 } }
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
          return (
            Column(.int((0..<nl).map { _ in Int64.random(in: 0...3, using: &rng) }), valid: valid(nl)),
            Column(.int((0..<nr).map { _ in Int64.random(in: 0...3, using: &rng) }), valid: valid(nr))
          )
        case 1:
          let v: [Double] = [0, -0.0, 1.5, 2]
          return (
            Column(.number((0..<nl).map { _ in v.randomElement(using: &rng)! })),
            Column(.number((0..<nr).map { _ in v.randomElement(using: &rng)! }), valid: valid(nr))
          )
        case 2:
          let dl = words.shuffled(using: &rng), dr = Array(words.shuffled(using: &rng).prefix(3))
          return (
            Column(
              .coded((0..<nl).map { _ in UInt32.random(in: 0..<UInt32(dl.count), using: &rng) }, dictionary: dl),
              valid: valid(nl)),
            Column(.coded((0..<nr).map { _ in UInt32.random(in: 0..<UInt32(dr.count), using: &rng) }, dictionary: dr))
          )
        case 3:
          return (
            Column(.text((0..<nl).map { _ in words.randomElement(using: &rng)! })),
            Column(
              .coded((0..<nr).map { _ in UInt32.random(in: 0..<UInt32(words.count), using: &rng) }, dictionary: words),
              valid: valid(nr))
          )
        default:
          return (
            Column(.date((0..<nl).map { _ in Int32.random(in: 0...2, using: &rng) })),
            Column(.date((0..<nr).map { _ in Int32.random(in: 0...2, using: &rng) }))
          )
        }
      }
      let keys = (0..<Int.random(in: 2...3, using: &rng)).map { _ in pair() }
      let (lk, rk) = (keys.map(\.0), keys.map(\.1))
      let m = try Executor.matches(left: lk, leftRows: nl, right: rk, rightRows: nr, cancellation: Cancellation())
      func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, _), (_, .null): return false
        case (.text(let x), .text(let y)): return x.utf8.elementsEqual(y.utf8)
        default: return a == b
        }
      }
      for l in 0..<nl {
        let expected = (0..<nr).filter { r in keys.allSatisfy { same($0.0[l], $0.1[r]) } }
        XCTAssertEqual(Array(m[l] ?? []), expected, "left row \(l) of \(lk.map(\.type))")
      }
    }
  }

  func testCSVFastAndSlowNumberPathsAgree() throws {
    let text = "x\n1.5\n-0.25\n12345678901234567.5\n1e3\n.5\n"
    let t = try CSVReader.parse(Array(text.utf8), name: "t", cancellation: Cancellation()).table
    XCTAssertEqual(t.fields[0].type, .number)
    XCTAssertEqual(
      (0..<t.rowCount).map { t.columns[0][$0] }, [1.5, -0.25, 12345678901234567.5, 1e3, 0.5].map { .number($0) })
  }

  func testLargeUnquotedCSVIsReadInTwoPartsIdentically() throws {
    // Over a megabyte and no quotes: the reader splits it at a line break.
    var text = "id,name,amount,day\n"
    for i in 0..<60_000 {
      text += "\(i),name\(i % 97),\(Double(i) / 4),2016-01-\(String(format: "%02d", i % 28 + 1))\n"
    }
    let t = try CSVReader.parse(Array(text.utf8), name: "big", cancellation: Cancellation()).table
    XCTAssertGreaterThan(text.utf8.count, 1 << 20)
    XCTAssertEqual(t.rowCount, 60_000)
    XCTAssertEqual(t.fields.map(\.type), [.int, .text, .number, .date])
    XCTAssertEqual(t.columns[0][59_999], .int(59_999))
    XCTAssertEqual(t.columns[1][30_000], .text("name\(30_000 % 97)"))
    XCTAssertEqual(t.columns[2][45_001], .number(45_001.0 / 4))
  }
}

/// Limits instead of crashes: what a huge or hostile input gets.
final class LimitTests: XCTestCase {
  func testALongChainOfOperatorsIsAnError() {
    let query = "from areas | where " + Array(repeating: "name == \"x\"", count: 5_000).joined(separator: " or ")
    let (_, diagnostics) = Parser.parse(SourceFile(name: "t", text: query))
    XCTAssertEqual(diagnostics.first?.message, "expression too long (more than 2000 operators in a row)")
  }

  func testAHugeLineIsShownAsAWindow() {
    let query = String(repeating: "1 + ", count: 1_000_000) + "£5 + 3"
    let file = SourceFile(name: "t", text: query)
    let (_, diagnostics) = Parser.parse(file)
    let rendered = diagnostics[0].rendered()
    XCTAssertTrue(rendered.contains("…"))
    XCTAssertLessThan(rendered.split(separator: "\n").map(\.count).max()!, 700)
  }

  /// A name a megabyte long is quoted and underlined in part: the message
  /// was three megabytes (the name in the message, the line, the underline).
  func testAHugeNameIsQuotedInPart() {
    var out = ""
    let session = Session.builtIn(results: Sink { out += $0 }, messages: Sink { out += $0 })
    let name = String(repeating: "a", count: 1_000_000)
    session.run(SourceFile(name: "t", text: "from england | where \(name) == 1"))
    XCTAssertTrue(out.hasPrefix("t:1:22: error: unknown column 'aaa"), String(out.prefix(80)))
    XCTAssertTrue(out.contains("a…a"))
    XCTAssertLessThan(out.split(separator: "\n").map(\.count).max()!, 700)
  }

  func testAScriptOfMoreThanAMillionTokensIsRefusedWhereItStops() {
    let text = String(repeating: "1\n", count: 600_000)
    let (statements, diagnostics) = Parser.parse(SourceFile(name: "t", text: text))
    XCTAssertEqual(statements.count, 0)
    XCTAssertEqual(diagnostics.count, 1)
    XCTAssertTrue(diagnostics[0].message.hasPrefix("script too long: iq reads up to 1,000,000 words and symbols"))
    // The millionth token is the newline ending line 500,000.
    XCTAssertEqual(diagnostics[0].file?.location(of: diagnostics[0].span!.start).line, 500_001)
  }

  func testASpanPastTheEndOfTheFileIsClamped() {
    let file = SourceFile(name: "t", text: "from areas\n| wh\u{e9}re x")
    for span in [Span(200, 300), Span(-5, 3), Span(14, 13)] {
      let rendered = Diagnostic("odd span", at: span).in(file).rendered()
      XCTAssertTrue(rendered.hasPrefix("t:"), rendered)
    }
  }

  func testManyColumnsWithTheSameName() throws {
    let n = 100_000
    let text = String(repeating: "a,", count: n) + "z\n" + String(repeating: "1,", count: n) + "2\n"
    let t = try CSVReader.parse(Array(text.utf8), name: "wide.csv", cancellation: Cancellation()).table
    XCTAssertEqual(t.fields.count, n + 1)
    XCTAssertEqual(t.fields[0].name, "a")
    XCTAssertEqual(t.fields[n - 1].name, "a_\(n)")
    XCTAssertEqual(t.column(named: "z")?[0], .int(2))
  }

  /// A number literal is read in one pass however it is written: a million
  /// leading zeros took minutes (each was removed from the front in turn),
  /// and zero with an exponent of -9e18 took as many steps as the exponent.
  func testLongNumberLiteralsAndFarExponentsAreReadAtOnce() {
    let million = String(repeating: "0", count: 1_000_000)
    for (text, value) in [(million + "7", "7"), ("1" + million + "e-1000000", "1"), ("0e-9000000000000000000", "0")] {
      var out = ""
      let session = Session.builtIn(results: Sink { out += $0 }, messages: Sink { out += $0 })
      session.format = .csv
      session.run(SourceFile(name: "t", text: text))
      XCTAssertEqual(out, "value\n\(value)\n", String(text.suffix(30)))
    }
  }

  func testNumbersPastInt64() {
    let (_, diagnostics) = Parser.parse(SourceFile(name: "t", text: "99999999999999999999"))
    XCTAssertTrue(diagnostics[0].message.hasPrefix("99999999999999999999 is too large for an int"))
    XCTAssertEqual(
      try CSVReader.parse(Array("x\n99999999999999999999\n".utf8), name: "t", cancellation: Cancellation()).table
        .fields[0]
        .type, .number)
  }

  /// Arithmetic, aggregates, windows and SPC limits that pass the largest double are an
  /// error naming the step, never infinity; a CSV field of `1e400` is text.
  func testNumbersPastTheLargestDoubleAreAnError() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("iq-near-largest-\(getpid()).csv")
    try "x,y\n1e308,1.7e308\n1.5e308,-1.7e308\n".write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let big = "from \"\(file.path)\""
    let cases = [
      ("1e308 * 10", "number overflow in '*'"),
      ("1e308 / 1e-10", "number overflow in '/'"),
      ("-1e308 - 1e308", "number overflow in '-'"),
      ("1e308 + 1e308", "number overflow in '+'"),
      ("pct_change(1e308, -1e-10)", "number overflow in pct_change"),
      ("\(big) | summarize s = sum(x)", "number overflow in sum"),
      ("\(big) | summarize a = avg(x)", "number overflow in avg"),
      ("\(big) | summarize s = stddev(y)", "number overflow in stddev"),
      ("\(big) | sort x | derive r = running_sum(x)", "number overflow in running_sum"),
      ("\(big) | chart spc x, y", "number overflow in spc"),
    ]
    for (query, message) in cases {
      var out = ""
      let session = Session.builtIn(results: Sink { out += $0 }, messages: Sink { out += $0 })
      session.run(SourceFile(name: "t", text: query))
      XCTAssertTrue(out.contains("error: \(message)") && out.contains("past ±1.8e308"), "\(query): \(out)")
    }
    // The mean of the middle two is halved first, so it stays finite.
    var out = ""
    let session = Session.builtIn(results: Sink { out += $0 }, messages: Sink { out += $0 })
    session.format = .csv
    session.run(SourceFile(name: "t", text: "\(big) | summarize m = median(x)"))
    XCTAssertEqual(out, "m\n1.25e+308\n")
    XCTAssertEqual(
      try CSVReader.parse(Array("x\n1e400\n2\n".utf8), name: "t", cancellation: Cancellation()).table.fields[0].type,
      .text)
  }

  /// Two keys are combined through a table of every pair when there are
  /// few, and by hashing when there are many; both number the groups in
  /// order of first appearance, as this reference does.
  func testGroupingByTwoKeysWithFewAndManyPairs() throws {
    for distinct in [7, 3_000] {
      let rows = 5_000
      let a = (0..<rows).map { Int64(($0 * 7919) % distinct) }, b = (0..<rows).map { Int64(($0 * 104_729) % distinct) }
      let g = try Grouping(keys: [Column(.int(a)), Column(.int(b))], rows: rows, cancellation: Cancellation())
      var seen: [[Int64]: Int] = [:]
      var expected: [Int] = []
      for i in 0..<rows {
        let key = [a[i], b[i]]
        if seen[key] == nil { seen[key] = seen.count }
        expected.append(seen[key]!)
      }
      XCTAssertEqual(g.groupOf, expected, "\(distinct) values a key")
      XCTAssertEqual(g.count, seen.count)
    }
  }
}

/// An engine's error points at the step whose SQL it names.
final class RemoteErrorTests: XCTestCase {
  func testALineOfTheTranslationNamesItsStep() throws {
    let session = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
    session.dialect = .postgres
    let query = "from areas | where region == \"London\" | derive n = row_number() | select name, n"
    let sql = try session.sqlText(query, span: Span(0, query.utf8.count), file: SourceFile(name: "q", text: query))
    let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
    // Each step's SELECT is the line after its "sN AS (".
    for (step, verb) in ["from", "where", "derive", "select"].enumerated() {
      let header = lines.firstIndex { $0 == "s\(step + 1) AS (" }!
      XCTAssertEqual(SQLTranslator.step(atLine: header + 2, of: sql), step, "the \(verb) step's line")
    }
    XCTAssertNil(SQLTranslator.step(atLine: lines.count - 1, of: sql), "the last SELECT is no step's")
    XCTAssertNil(SQLTranslator.step(atLine: 0, of: sql))
    XCTAssertNil(SQLTranslator.step(atLine: lines.count + 5, of: sql))
  }
}
