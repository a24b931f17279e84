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

/// The shell's brain without a terminal: what may come at the cursor, and
/// whether a statement needs another line.
final class CompletionTests: XCTestCase {
  let session = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })

  /// Candidates with the cursor at the end of `text`.
  func complete(_ text: String) -> [String] {
    Completion.complete(text, cursor: text.utf8.count, session: session).candidates
  }

  func testStatementStart() {
    XCTAssertEqual(complete(""), ["from", "let"])
    XCTAssertEqual(complete("fr"), ["from"])
    XCTAssertEqual(complete("from areas | count; l"), ["let"])
  }

  func testVerbsAfterPipe() {
    XCTAssertEqual(complete("from areas | wh"), ["where"])
    XCTAssertEqual(complete("from areas | s"), ["save", "select", "sort", "summarize"])
    XCTAssertTrue(complete("from areas | ").contains("derive"))
    XCTAssertFalse(complete("from areas | ").contains("from"))
    XCTAssertEqual(complete("from areas\n| ta"), ["take"])
  }

  func testTablesAfterFromJoinAppend() {
    XCTAssertEqual(complete("from dela"), ["delay_reasons", "delayed_days"])
    XCTAssertEqual(complete("from delaye"), ["delayed_days"])
    XCTAssertEqual(complete("from areas | join eng"), ["england"])
    XCTAssertEqual(complete("from areas | join left ar"), ["areas"])
    XCTAssertEqual(complete("from england | append he"), ["headlines"])
    XCTAssertEqual(complete("let x = fr"), ["from"])
  }

  /// After a file: `with`, then its options, and in `types` the types.
  func testFileOptions() {
    XCTAssertEqual(complete("from \"f.csv\" w"), ["with"])
    XCTAssertEqual(complete("from \"f.csv\" with sk"), ["skip"])
    XCTAssertEqual(complete("from \"f.csv\" with skip = 2, n"), ["nulls"])
    XCTAssertEqual(complete("from \"f.csv\" with types = (code: t"), ["text"])
    XCTAssertEqual(complete("from areas | join left \"f.csv\" with h"), ["header"])
    XCTAssertEqual(complete("from std"), ["stdin"])
    XCTAssertTrue(complete("from \"f.csv\" with skip = 2 | wh").contains("where"))
  }

  func testSheetNamesOfAWorkbook() {
    let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    session.directory = golden
    let book = "fixtures/workbooks/openpyxl_types.xlsx"
    XCTAssertEqual(complete("from \"\(book)\" with sheet = \""), ["Regions", "Notes", "Hidden"])
    XCTAssertEqual(complete("from \"\(book)\" with skip = 1, sheet = \"No"), ["Notes"])
    XCTAssertEqual(complete("from areas | join \"\(book)\" with sheet = \"R"), ["Regions"])
    XCTAssertEqual(complete("from areas | save \"\(book)\" with sheet = \"H"), ["Hidden"])
    // Not a workbook: no sheets to offer.
    XCTAssertEqual(complete("from \"f.csv\" with sheet = \""), [])
  }

  func testLetResultsAreTables() {
    session.catalog.add(
      "london", table: Table(fields: [Field("a", .int)], columns: [Column(.int([1]))]), description: "")
    XCTAssertEqual(complete("from lon"), ["london"])
  }

  func testColumnsInScopeAtTheCursor() {
    XCTAssertEqual(complete("from areas | where reg"), ["region"])
    let after = complete("from areas | derive x = 1 | where ")
    XCTAssertTrue(after.contains("region") && after.contains("x"), "\(after)")
    XCTAssertTrue(after.contains("sum(") && after.contains("and"))
    // Columns after summarize are the summary's.
    XCTAssertEqual(complete("from england | summarize days = sum(total) by fy | where d"), ["date(", "days", "desc"])
    // A multi-line statement: earlier lines count.
    XCTAssertEqual(complete("from delayed_days\n| where soc"), ["social_care"])
  }

  func testJoinOffersBothTablesColumns() {
    let c = complete("from delayed_days | join areas on ")
    XCTAssertTrue(c.contains("area") && c.contains("region") && c.contains("total"), "\(c)")
  }

  func testFunctionsAndValues() {
    XCTAssertEqual(complete("from england | derive x = pct"), ["pct_change("])
    session.values["cost_per_day"] = .money(30_500)
    XCTAssertEqual(complete("from england | derive x = total * cost"), ["cost_per_day"])
  }

  func testDotCommands() {
    XCTAssertEqual(complete(".de"), [".describe"])
    XCTAssertEqual(complete(".describe bc"), ["bcf"])
    XCTAssertEqual(complete(".mode j"), ["json"])
    XCTAssertEqual(complete(".timer o"), ["off", "on"])
    XCTAssertTrue(complete(".").contains(".quit"))
  }

  func testFileNamesInStrings() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iq-completion-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: dir.appendingPathComponent("budgets.csv").path, contents: Data())
    FileManager.default.createFile(atPath: dir.appendingPathComponent("beds.csv").path, contents: Data())
    XCTAssertEqual(complete("from \"\(dir.path)/bu"), ["budgets.csv"])
    XCTAssertEqual(complete("from \"\(dir.path)/b"), ["beds.csv", "budgets.csv"])
    XCTAssertEqual(complete("from areas | where name == \"b"), [])
  }

  func testCompletionReplacesFromTheWordStart() {
    let c = Completion.complete("from areas | where reg", cursor: 22, session: session)
    XCTAssertEqual(c.start, 19)
    let mid = Completion.complete("from dela | count", cursor: 9, session: session)
    XCTAssertEqual(mid.candidates, ["delay_reasons", "delayed_days"])
    XCTAssertEqual(mid.commonPrefix, "delay")
  }

  func testContinuation() {
    for text in [
      "from areas |", "from areas | where (region", "from areas | where x ==", "let x =", "from areas | select concat(",
      "from areas | where name == \"Hart", "from areas | summarize n = count(),",
    ] {
      XCTAssertTrue(Continuation.needsMore(text), text)
    }
    for text in [
      "from areas", "from areas | count", "from areas | wher x", ".tables", "£5 + 3", "from areas | where )", "",
    ] {
      XCTAssertFalse(Continuation.needsMore(text), text)
    }
  }

  func testHistoryEntryIsOneLine() {
    XCTAssertEqual(
      Continuation.historyEntry("from areas |\n  where region == \"x\" # note\n| count\n"),
      "from areas | where region == \"x\" | count")
    XCTAssertEqual(Continuation.historyEntry(".mode csv\n"), ".mode csv")
    XCTAssertEqual(
      Continuation.historyEntry("from areas | where name == \"a  b\""), "from areas | where name == \"a  b\"")
  }
}
