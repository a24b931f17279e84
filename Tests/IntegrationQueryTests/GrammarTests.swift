import Foundation
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

/// Grammar/iq.ebnf is the authority: everything the lexer and parser know
/// must be written there, so the two cannot drift.
final class GrammarTests: XCTestCase {
  static let grammar: String = {
    let url = GoldenTests.packageRoot.appendingPathComponent("Grammar/iq.ebnf")
    return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
  }()

  func testEveryKeywordIsInTheGrammar() {
    for k in Keyword.allCases {
      XCTAssertTrue(
        Self.grammar.contains("\"\(k.rawValue)\"") || Self.grammar.contains(" \(k.rawValue) "),
        "keyword '\(k.rawValue)' is missing from Grammar/iq.ebnf")
    }
  }

  func testEveryVerbHasAStepRule() {
    for v in Verb.allCases {
      XCTAssertTrue(Self.grammar.contains("\(v.rawValue)_step"), "verb '\(v.rawValue)' has no rule in Grammar/iq.ebnf")
      XCTAssertTrue(
        Self.grammar.contains("\"\(v.rawValue)\""), "verb '\(v.rawValue)' is not a terminal in Grammar/iq.ebnf")
    }
  }

  func testEveryOperatorIsInTheGrammar() {
    for s in Symbol.allCases {
      XCTAssertTrue(
        Self.grammar.contains("\"\(s.rawValue)\""), "operator '\(s.rawValue)' is missing from Grammar/iq.ebnf")
    }
    for op in BinaryOp.allCases {
      XCTAssertNotNil(Precedence.binary[op], "\(op) has no binding power")
    }
  }

  func testEveryFunctionIsListed() {
    for name in Resolver.allCallNames {
      XCTAssertTrue(Self.grammar.contains(" \(name)"), "'\(name)' is not listed in Grammar/iq.ebnf")
    }
  }

  /// Each rule in the grammar, by name: its text up to the ";" that ends
  /// it, comments taken out and spaces made single.
  static var rules: [String: String] {
    var text = grammar
    while let open = text.range(of: "(*"), let close = text.range(of: "*)", range: open.upperBound..<text.endIndex) {
      text.removeSubrange(open.lowerBound..<close.upperBound)
    }
    var rules: [String: String] = [:]
    let statements = text.replacingOccurrences(of: #";[ \t]*\n"#, with: "\u{1}", options: .regularExpression)
    for statement in statements.components(separatedBy: "\u{1}") {
      guard let eq = statement.range(of: " = ") else { continue }
      let name = statement[..<eq.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
      guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { continue }
      rules[name] = statement[eq.upperBound...].split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
    return rules
  }

  /// Every rule the parser quotes is in the grammar, written the same way.
  func testParserQuotesRealRules() throws {
    let rules = Self.rules
    let syntax = GoldenTests.packageRoot.appendingPathComponent("Sources/IQSyntax")
    var quoted = 0
    for file in try FileManager.default.contentsOfDirectory(atPath: syntax.path) where file.hasPrefix("Parser") {
      let text = try String(contentsOf: syntax.appendingPathComponent(file), encoding: .utf8)
      for line in text.split(separator: "\n") {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("// "), let eq = t.range(of: " = ") else { continue }
        let rule = t.dropFirst(3)[..<eq.lowerBound].trimmingCharacters(in: .whitespaces)
        guard rule.allSatisfy({ $0.isLetter || $0 == "_" }) else { continue }
        quoted += 1
        let body = t[eq.upperBound...].split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertEqual(
          rules[rule], body,
          "\(file) quotes '\(rule)' otherwise than Grammar/iq.ebnf defines it")
      }
    }
    XCTAssertGreaterThan(quoted, 15)
  }
}
