import Foundation
import IQCore
import IQDataset
import IQEngine
import IQOutput
import IQPlan
import IQSQL
import IQSyntax
import IntegrationQuery
import XCTest

/// The `iq` command as a user runs it: arguments, exit status, what goes
/// to stdout and what to stderr.
final class CommandLineTests: XCTestCase {
  static let binary = GoldenTests.packageRoot.appendingPathComponent(".build/debug/iq")

  struct Run {
    var status: Int32
    var out: String
    var err: String
  }

  func iq(_ args: [String], input: String? = nil, env: [String: String] = [:]) throws -> Run {
    try Self.run(args, input: input, env: env)
  }

  /// Runs iq (or `binary`, e.g. strace running iq).
  static func run(_ args: [String], input: String? = nil, env: [String: String] = [:], binary: String? = nil) throws
    -> Run
  {
    guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
      throw XCTSkip("build iq first: swift build")
    }
    let p = Process()
    p.executableURL = binary.map(URL.init(fileURLWithPath:)) ?? Self.binary
    p.arguments = args
    p.currentDirectoryURL = GoldenTests.packageRoot
    p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
    let out = Pipe(), err = Pipe(), stdin = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = stdin
    try p.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    stdin.fileHandleForWriting.closeFile()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(
      status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
  }

  func testQueryToAPipeIsCSV() throws {
    let r = try iq(["-c", "from england | where fy == \"2015-16\" | summarize days = sum(total)"])
    XCTAssertEqual(r.status, 0)
    XCTAssertEqual(r.out, "days\n1809587\n")
    XCTAssertEqual(r.err, "")
  }

  /// A query may start with a minus: it is the query, not an option.
  func testAQueryStartingWithAMinus() throws {
    XCTAssertEqual(try iq(["-c", "-5 + 3"]).out, "value\n-2\n")
    XCTAssertTrue(try iq(["--sql", "-5 + 3"]).err.contains("SQL is written for a query"))
  }

  func testFormatOption() throws {
    XCTAssertEqual(
      try iq(["--format", "json", "-c", "from bcf | select pooled"]).out, "[{\"pooled\":5300000000.00}]\n")
    XCTAssertEqual(try iq(["--format", "table", "-c", "from areas | count"]).out, "  n\n───\n152\n")
    let bad = try iq(["--format", "xml", "-c", "1"])
    XCTAssertEqual(bad.status, 2)
    XCTAssertTrue(bad.err.contains("unknown format 'xml'"))
  }

  func testErrorsGoToStderrWithExitOne() throws {
    let r = try iq(["-c", "from delayed_days | where totl > 100"])
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(r.out, "")
    XCTAssertTrue(r.err.hasPrefix("<command>:1:27: error: unknown column 'totl'"), r.err)
    let money = try iq(["-c", "£5 + 3"])
    XCTAssertEqual(money.status, 1)
    XCTAssertTrue(money.err.contains("help: write £3, or money(3)"))
  }

  func testMalformedCSVExitsOne() throws {
    let r = try iq(["-c", "from \"Tests/IntegrationQueryTests/Golden/fixtures/unterminated.csv\""])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.err.contains("unterminated.csv:3:3: error: unterminated quoted field"), r.err)
  }

  func testUsageErrorsExitTwo() throws {
    XCTAssertEqual(try iq(["--bogus"]).status, 2)
    XCTAssertEqual(try iq(["no-such-script.iq"]).status, 2)
    XCTAssertEqual(try iq(["--set", "novalue", "-c", "1"]).status, 2)
  }

  func testHelpAndVersion() throws {
    let help = try iq(["--help"])
    XCTAssertEqual(help.status, 0)
    XCTAssertTrue(help.out.contains("--format"))
    let version = try iq(["--version"])
    XCTAssertEqual(version.status, 0)
    XCTAssertEqual(version.out, "0.1.0\n")
  }

  func testScriptsRunInOrderAndStopAtTheFirstError() throws {
    let r = try iq([
      "Examples/02_cost_behind_the_headlines.iq", "Tests/IntegrationQueryTests/Golden/errors/stops_at_first_error.iq",
    ])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.out.contains("1611.40"))
    XCTAssertTrue(r.out.hasSuffix("n\n152\n"), r.out)
    XCTAssertTrue(r.err.contains("unknown table 'nowhere'"))
  }

  func testCheckRunsNothing() throws {
    let ok = try iq(["--check", "Examples/01_rise_in_delayed_days.iq"])
    XCTAssertEqual(ok.status, 0)
    XCTAssertEqual(ok.out, "")
    let bad = try iq(["--check", "-c", "from areas | save \"x.csv\" | where nme == 1"])
    XCTAssertEqual(bad.status, 1)
    XCTAssertTrue(bad.err.contains("unknown column 'nme'"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: GoldenTests.packageRoot.appendingPathComponent("x.csv").path))
  }

  func testSetOverridesAScriptsLet() throws {
    let script = "let year = \"2015-16\"\nfrom england | where fy == year | summarize days = sum(total)"
    XCTAssertEqual(try iq(["-c", script]).out, "days\n1809587\n")
    XCTAssertEqual(try iq(["--set", "year=\"2016-17\"", "-c", script]).out, "days\n2254821\n")
    XCTAssertEqual(try iq(["--set", "budget=£2.5m", "-c", "let budget = £1\nbudget / 2"]).out, "value\n1250000.00\n")
  }

  /// `--set` for a name no script defines is a usage error, not a report
  /// quietly run with its default (LANGUAGE.md section 11).
  func testSetOfAnUnknownNameIsAUsageError() throws {
    let script = "let year = \"2015-16\"\nfrom england | where fy == year | summarize days = sum(total)"
    let typo = try iq(["--set", "yaer=\"2016-17\"", "-c", script])
    XCTAssertEqual(typo.status, 2)
    XCTAssertEqual(typo.out, "")
    XCTAssertTrue(typo.err.contains("--set yaer: no 'let yaer = …' in the scripts"), typo.err)
    XCTAssertTrue(typo.err.contains("did you mean 'year'?"), typo.err)
    let checked = try iq(["--check", "--set", "yaer=1", "-c", script])
    XCTAssertEqual(checked.status, 2)
    XCTAssertTrue(checked.err.contains("did you mean 'year'?"), checked.err)
  }

  /// `--check` finds a let named like the column it is compared with.
  func testCheckReportsALetThatClashesWithAColumn() throws {
    let r = try iq(["--check", "-c", "let fy = \"2016-17\"\nfrom delayed_days | where fy == fy | count"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.err.contains("'fy' is both a column here and a value"), r.err)
    XCTAssertEqual(r.out, "")
  }

  /// Warnings go to stderr in scripts; the result still goes to stdout.
  func testWarningsGoToStandardError() throws {
    let r = try iq(["-c", "from areas | where region == \"london\" | count"])
    XCTAssertEqual(r.status, 0)
    XCTAssertEqual(r.out, "n\n0\n")
    XCTAssertTrue(r.err.contains("warning: no rows have region == \"london\", but \"London\" is there"), r.err)
  }

  /// A value that is not one iq literal is text: `2016-17` as people type it.
  func testSetValueThatIsNotALiteralIsText() throws {
    let script = "let year = \"2015-16\"\nfrom england | where fy == year | summarize days = sum(total)"
    XCTAssertEqual(try iq(["--set", "year=2016-17", "-c", script]).out, "days\n2254821\n")
    for (given, shown) in [
      ("12", "12"), ("-3.5", "-3.5"), ("£2.5m", "2500000.00"), ("90%", "0.9"), ("@2015-04", "2015-04-01"),
      ("true", "true"), ("North East", "North East"), ("a + b", "a + b"), ("\"quoted\"", "quoted"), ("", ""),
    ] {
      let r = try iq(["--set", "v=\(given)", "-c", "let v = 0\nv"])
      XCTAssertEqual(r.out, "value\n\(shown.isEmpty ? "\"\"" : shown)\n", given)
    }
  }

  /// Several results in JSON: one array per line, each a JSON document.
  func testSeveralJSONResultsAreOneArrayPerLine() throws {
    let r = try iq(["--format", "json", "-c", "from areas | take 2; from bcf | select pooled; from areas | take 0"])
    let lines = r.out.split(separator: "\n")
    XCTAssertEqual(lines.count, 3, r.out)
    for line in lines {
      XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any], String(line))
    }
  }

  func testDataDirectory() throws {
    let r = try iq([
      "--data", "Tests/IntegrationQueryTests/Golden/fixtures/data", "-c",
      "from beds | join areas on area | select name, beds",
    ])
    XCTAssertEqual(r.status, 0, r.err)
    XCTAssertEqual(r.out, "name,beds\nHartlepool,5\nMiddlesbrough,7\n")
    // A malformed file among them is refused, as a data error.
    let bad = try iq(["--data", "Tests/IntegrationQueryTests/Golden/fixtures", "-c", "1"])
    XCTAssertEqual(bad.status, 1)
    XCTAssertTrue(bad.err.contains("invalid_utf8.csv is not UTF-8"), bad.err)
  }

  func testStandardInputRunsEveryStatement() throws {
    let r = try iq([], input: "from areas | count\nfrom nowhere\nfrom england | count\n")
    XCTAssertEqual(r.status, 1)
    XCTAssertEqual(r.out, "n\n152\nn\n96\n")
    XCTAssertTrue(r.err.contains("<stdin>:2:6: error: unknown table 'nowhere'"))
  }

  /// `from stdin` reads delimited text piped to iq, found as a file's would be.
  func testFromStdinReadsPipedData() throws {
    let r = try iq(
      ["-c", "from stdin | summarize n = count(), days = sum(days)"],
      input: "Title\n\narea;days\nLeeds;\"7,012\"\nYork;12\n")
    XCTAssertEqual(r.status, 0, r.err)
    XCTAssertEqual(r.out, "n,days\n2,7024\n")
  }

  /// `cat data.csv | iq` is a mistake for `… | iq -c 'from stdin | …'`: it
  /// says so rather than report each line as a bad statement.
  func testPipedDataIsNotRunAsStatements() throws {
    let r = try iq([], input: "Delayed transfers\n\narea,days\nLeeds,7012\n")
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(r.out, "")
    XCTAssertTrue(r.err.contains("standard input looks like a data file"), r.err)
    XCTAssertTrue(r.err.contains("from stdin"), r.err)
    XCTAssertFalse(r.err.contains("expected"), r.err)
  }

  func testTutorialRemembersProgressBetweenSessions() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iq-tutorial-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let env = ["IQ_TUTORIAL": path]
    let first = try iq(["-c", ".tutorial reset\nfrom areas | count"], env: env)
    XCTAssertTrue(first.out.hasPrefix("Lesson 1 of 12"))
    XCTAssertTrue(first.out.contains("lesson 1 done"))
    // A new session carries on at lesson 2.
    XCTAssertTrue(try iq(["-c", ".tutorial"], env: env).out.hasPrefix("Lesson 2 of 12: Keeping some rows"))
  }

  func testChartToSVG() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iq-chart-\(getpid()).svg").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let r = try iq(["-c", "from england | chart spc month, total to \"\(path)\""])
    XCTAssertEqual(r.status, 0, r.err)
    XCTAssertTrue(r.out.contains("mean 140,645"))
    let svg = try String(contentsOfFile: path, encoding: .utf8)
    XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    XCTAssertTrue(svg.contains("upper limit 156,794"))
    XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 96)
  }

  /// Values near the largest doubles (whose differences overflow) and a
  /// chart of no rows once stopped iq; now each draws, in the terminal and
  /// as SVG, with every coordinate a number.
  func testChartsOfExtremeValuesAndOfNoRows() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("iq-extreme-\(getpid()).svg").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let charts = [
      "from england | where fy == \"none\" | chart spc month, total",
      "from england | where fy == \"none\" | chart line month, total",
      "from england | take 9 | derive n = if(total > 110000, 1e308, -1e308) | chart bar month, n",
      "from england | take 9 | derive n = if(total > 110000, 1e307, -1e307) | chart spc month, n",
      "from england | take 9 | derive n = 1e308 | chart line month, n",
      "from england | take 9 | derive n = if(total > 110000, 1e308, -1e308), x = if(total > 100000, 1.7e308, -1.7e308) | chart line x, n",
      "from england | take 9 | derive n = 1e20 + total / 1e10 | chart line month, n",
    ]
    for chart in charts {
      let r = try iq(["-c", chart + " to \"\(path)\""])
      XCTAssertEqual(r.status, 0, "\(chart): \(r.err)")
      XCTAssertTrue(r.err.contains("chart written to"), chart)
      let svg = try String(contentsOfFile: path, encoding: .utf8)
      XCTAssertTrue(svg.hasSuffix("</svg>\n"), chart)
      XCTAssertNil(svg.range(of: #"="[^"]*(nan|inf)"#, options: [.regularExpression, .caseInsensitive]), chart)
      XCTAssertEqual(svg.contains("No rows to chart."), chart.contains("none"), chart)
    }
  }

  /// libxml2 prints some errors itself (`xmlParseChunk: encoder error`);
  /// iq reports them once, as its own, and nothing else reaches the screen.
  func testWorkbookErrorsAreIqsOnly() throws {
    // Parts in UCS-4 and UTF-16 with bytes their converters refuse.
    for book in ["ucs4_part", "utf16_part"] {
      let r = try iq(["-c", "from \"Tests/IntegrationQueryTests/Golden/fixtures/workbooks/\(book).xlsx\""])
      XCTAssertEqual(r.status, 1)
      let lines = r.err.split(separator: "\n")
      XCTAssertTrue(lines.first?.contains("is damaged: its part xl/worksheets/sheet1.xml") == true, r.err)
      XCTAssertFalse(r.err.contains("xmlParseChunk") || r.err.contains("encoding error"), r.err)
    }
  }

  func testNoColourWhenNotATerminal() throws {
    let r = try iq(["-c", "from nowhere"])
    XCTAssertFalse(r.err.contains("\u{1B}["))
  }
}
