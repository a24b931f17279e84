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

final class ParserTests: XCTestCase {
  func parse(_ text: String) -> (String, [String]) {
    let (statements, diagnostics) = Parser.parse(SourceFile(name: "t", text: text))
    return (statements.map(\.dump).joined(separator: "\n"), diagnostics.map(\.message))
  }

  func dump(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    let (d, errors) = parse(text)
    XCTAssertEqual(errors, [], file: file, line: line)
    return d
  }

  func testPrecedenceFromOneTable() {
    XCTAssertEqual(dump("1 + 2 * 3"), "(+ 1 (* 2 3))")
    XCTAssertEqual(dump("1 - 2 - 3"), "(- (- 1 2) 3)")
    XCTAssertEqual(dump("-x * y"), "(* (- x) y)")
    XCTAssertEqual(dump("a or b and c"), "(or a (and b c))")
    XCTAssertEqual(dump("not a == b and c"), "(and (not (== a b)) c)")
    XCTAssertEqual(dump("x in (1, 2) or y not in (3)"), "(or (in x 1 2) (not in y 3))")
    XCTAssertEqual(dump("(1 + 2) * 3"), "(* (+ 1 2) 3)")
  }

  func testLiteralsDecode() {
    XCTAssertEqual(dump("£5.3bn"), "£5300000000.00")
    XCTAssertEqual(dump("87k"), "87000")
    XCTAssertEqual(dump("2.5k"), "2500")
    XCTAssertEqual(dump("1.5"), "1.5")
    XCTAssertEqual(dump("90%"), "0.9")
    XCTAssertEqual(dump("@2015-04"), "@2015-04-01")
    XCTAssertEqual(dump("-9223372036854775808"), "-9223372036854775808")
  }

  func testPipelineSteps() {
    XCTAssertEqual(
      dump("from delayed_days | where fy == \"2015-16\" | summarize days = sum(total) by region"),
      "(from delayed_days) | (where (== fy \"2015-16\")) | (summarize days=(sum total) by region)")
    XCTAssertEqual(
      dump("from a | join left b on x == y | top 3 by n | sort m desc, k"),
      "(from a) | (join left b on x==y) | (top 3 n desc) | (sort m desc k asc)")
    XCTAssertEqual(
      dump("from \"x.csv\" | distinct | count | save \"o.csv\""),
      "(from \"x.csv\") | (distinct) | (count) | (save \"o.csv\")")
    XCTAssertEqual(
      dump("from a | rename b = c | drop d, e | append f"), "(from a) | (rename b=c) | (drop d e) | (append f)")
  }

  func testStatements() {
    XCTAssertEqual(
      dump("let x = £305\nlet t = from areas\n.mode csv\n£5 * 2"),
      "(let x £305.00)\n(let t (from areas))\n(.mode csv)\n(* £5.00 2)")
  }

  func testLineContinuation() {
    XCTAssertEqual(dump("from a\n| where x\n\n# c\n| take 1"), "(from a) | (where x) | (take 1)")
    XCTAssertEqual(dump("from a |\n where x and\n y"), "(from a) | (where (and x y))")
    XCTAssertEqual(
      dump("from a | summarize\n n = count(),\n s = sum(x)\n by k"), "(from a) | (summarize n=(count) s=(sum x) by k)")
    XCTAssertEqual(dump("from a\nfrom b"), "(from a)\n(from b)")
  }

  func testErrorsAndRecovery() {
    XCTAssertEqual(parse("from a | wher x | selct y").1, ["unknown verb 'wher'", "unknown verb 'selct'"])
    XCTAssertEqual(parse("from a where x").1, ["expected '|' or the end of the statement, found 'where'"])
    XCTAssertEqual(parse("1 < 2 < 3").1, ["comparisons do not chain"])
  }

  func testIncompleteInputIsFlagged() {
    for text in [
      "from a |", "from a | where (x", "from a | where x ==", "from a | where f(", "let x =",
      "from a | where x == \"open",
    ] {
      let (_, diagnostics) = Parser.parse(SourceFile(name: "t", text: text))
      XCTAssertEqual(diagnostics.first?.isIncompleteInput, true, text)
    }
    for text in ["from a", "from a | wher x", "from a | where )"] {
      let (_, diagnostics) = Parser.parse(SourceFile(name: "t", text: text))
      XCTAssertNotEqual(diagnostics.first?.isIncompleteInput, true, text)
    }
  }

  func testDeepNestingIsAnErrorNotACrash() {
    let deep = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
    XCTAssertEqual(parse(deep).1.first?.hasPrefix("expression nested too deeply"), true)
  }
}
