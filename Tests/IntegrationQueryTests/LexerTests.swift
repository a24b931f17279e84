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

final class LexerTests: XCTestCase {
  /// Kinds and texts of the tokens, without the end-of-input token.
  func lex(_ text: String) -> [(TokenKind, String)] {
    let file = SourceFile(name: "t", text: text)
    return Lexer.tokenize(file).dropLast().map { ($0.kind, file.text(of: $0.span)) }
  }

  func kinds(_ text: String) -> [TokenKind] { lex(text).map(\.0) }

  /// "kind text" per token, comparable in assertions.
  func show(_ text: String) -> [String] { lex(text).map { "\($0.0) \($0.1)" } }

  func testPipelineTokensAndSpans() {
    let file = SourceFile(name: "t", text: "from areas | where x >= 3")
    let tokens = Lexer.tokenize(file)
    XCTAssertEqual(
      tokens.map(\.kind),
      [
        .identifier, .identifier, .symbol(.pipe), .identifier, .identifier, .symbol(.greaterEqual), .number,
        .endOfInput,
      ])
    XCTAssertEqual(tokens[4].span, Span(19, 20))
    XCTAssertEqual(tokens[5].span, Span(21, 23))
    XCTAssertEqual(tokens[7].span, Span(25, 25))
  }

  func testKeywordsAreCaseInsensitive() {
    XCTAssertEqual(
      kinds("AND Or not IN By"), [.keyword(.and), .keyword(.or), .keyword(.not), .keyword(.in), .keyword(.by)])
  }

  func testNumbersScalesPercentages() {
    XCTAssertEqual(
      kinds("87000 87_000 3.07 1e6 87k 1.5m 5.3bn 90% 3.07%"),
      [.number, .number, .number, .number, .number, .number, .number, .percent, .percent])
    XCTAssertEqual(lex("5.3bn")[0].1, "5.3bn")
  }

  func testMoneyLiterals() {
    XCTAssertEqual(show("£311m £1_611.40 GBP 311m"), ["money £311m", "money £1_611.40", "money GBP 311m"])
    // GBP alone is a name.
    XCTAssertEqual(kinds("GBP"), [.identifier])
  }

  func testMoneySpanCountsBytes() {
    let file = SourceFile(name: "t", text: "£5")
    XCTAssertEqual(Lexer.tokenize(file)[0].span, Span(0, 3))  // £ is two bytes
    XCTAssertEqual(file.location(of: 2).column, 2)  // but one column
  }

  func testDates() {
    XCTAssertEqual(kinds("@2015-04-01 @2015-04"), [.date, .date])
    XCTAssertEqual(kinds("@2015-13"), [.error(.notADate("2015-13"))])
  }

  func testStringsAndEscapes() {
    XCTAssertEqual(kinds(#""a\"b" 'c\'d'"#), [.string, .string])
    XCTAssertEqual(kinds("\"open"), [.error(.unterminatedString(quote: "\""))])
  }

  func testQuotedNamesCommentsAndNewlines() {
    XCTAssertEqual(
      show("`Awaiting public funding` # note\n|"),
      ["quotedIdentifier `Awaiting public funding`", "newline \n", "symbol(IQSyntax.Symbol.pipe) |"])
  }

  func testDotCommandOnlyAtLineStart() {
    XCTAssertEqual(show("  .mode csv  \nx"), ["dotCommand .mode csv", "newline \n", "identifier x"])
    XCTAssertEqual(kinds("a.b"), [.identifier, .symbol(.dot), .identifier])
  }

  func testErrorsAreTokensNotThrows() {
    guard case .error = kinds("7 % 2")[1] else { return XCTFail("a lone % is an error token") }
    guard case .error = kinds("3x")[0] else { return XCTFail("a bad suffix is an error token") }
    guard case .error = kinds("^")[0] else { return XCTFail("an unknown character is an error token") }
  }

  func testLiteralDecimals() {
    XCTAssertEqual(Literal.whole(Literal.decimal("1.5m").0), .value(1_500_000))
    XCTAssertEqual(Literal.whole(Literal.decimal("2.5").0), .fraction)
    XCTAssertEqual(Literal.whole(Literal.decimal("1.005").0, shift: 2), .fraction)
    XCTAssertEqual(Literal.whole(Literal.decimal("1_611.40").0, shift: 2), .value(161_140))
    XCTAssertEqual(Literal.whole(Literal.decimal("99999999999999999999").0), .overflow)
  }
}
