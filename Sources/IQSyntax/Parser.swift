import Foundation
import IQCore

/// Turns tokens into statements. Each parse function quotes the rule of
/// `Grammar/iq.ebnf` it implements.
public struct Parser {
  let file: SourceFile
  var tokens: [Token]
  var pos = 0
  var depth = 0
  public private(set) var diagnostics: [Diagnostic] = []

  /// Deeper nesting than this is refused rather than risking the stack.
  static let maxDepth = 200
  /// Operators in a row (`a + b + c …`), which make a tree as deep.
  static let maxChain = 2_000
  /// Words, numbers and symbols in one script: a hundred-megabyte line is
  /// refused here rather than held as fifty million tokens.
  static let maxTokens = 1_000_000
  /// Where the lexer stopped, if the script has more tokens than that.
  var stoppedAt: Span?

  public init(_ file: SourceFile) {
    self.file = file
    var lexer = Lexer(file)
    let raw = lexer.all(limit: Parser.maxTokens)
    stoppedAt = lexer.stoppedAt
    tokens = Parser.joinContinuationLines(raw, bytes: file.bytes)
  }

  /// Parses a whole script; statements with errors are left out and their
  /// diagnostics collected.
  public static func parse(_ file: SourceFile) -> (statements: [Statement], diagnostics: [Diagnostic]) {
    var parser = Parser(file)
    var statements = parser.parseScript()
    if let at = parser.stoppedAt {
      // What was read is not run: the end of the script is missing.
      statements = []
      parser.diagnostics.append(
        Diagnostic(
          "script too long: iq reads up to \(groupThousands(String(Parser.maxTokens))) words and symbols, and stopped here",
          at: at, help: "split it into several scripts, or keep data in a CSV file and read it with from \"file.csv\""
        ).in(file))
    }
    return (statements, parser.diagnostics)
  }

  /// A line break ends a statement unless the pipeline plainly goes on: the
  /// next line starts with `|`, this one ends with `|`, `,` or an operator,
  /// or a bracket is open. Such breaks are dropped here, once, so that the
  /// grammar below never sees them.
  static func joinContinuationLines(_ tokens: [Token], bytes: [UInt8]) -> [Token] {
    func lineText(_ t: Token) -> ArraySlice<UInt8> { bytes[t.span.start..<t.span.end] }
    var out: [Token] = []
    var depth = 0
    for (n, t) in tokens.enumerated() {
      switch t.kind {
      case .symbol(.leftParen): depth += 1
      case .symbol(.rightParen): depth = max(0, depth - 1)
      case .newline:
        if depth > 0 { continue }
        if let last = out.last, last.kind.continuesLine { continue }
        // `| summarize` alone on a line: its items follow on the next.
        if let last = out.last, last.kind == .identifier, out.count >= 2, out[out.count - 2].kind == .symbol(.pipe),
          let verb = Verb(rawValue: String(decoding: lineText(last), as: UTF8.self).lowercased()),
          verb != .count && verb != .distinct
        {
          continue
        }
        if out.last?.kind == .newline || out.isEmpty { continue }
        if let next = tokens[(n + 1)...].first(where: { $0.kind != .newline }),
          next.kind.startsContinuation
        {
          continue
        }
      default: break
      }
      out.append(t)
    }
    return out
  }

  // MARK: - Tokens

  package var current: Token { tokens[pos] }
  var previousEnd: Int { pos > 0 ? tokens[pos - 1].span.end : 0 }

  func text(_ t: Token) -> String { file.text(of: t.span) }

  mutating func advance() -> Token {
    let t = tokens[pos]
    if t.kind != .endOfInput { pos += 1 }
    return t
  }

  func check(_ s: Symbol) -> Bool { current.kind == .symbol(s) }
  func check(_ k: Keyword) -> Bool { current.kind == .keyword(k) }

  mutating func accept(_ s: Symbol) -> Bool {
    if check(s) {
      pos += 1
      return true
    }
    return false
  }

  mutating func accept(_ k: Keyword) -> Bool {
    if check(k) {
      pos += 1
      return true
    }
    return false
  }

  /// Whether the current token is the contextual word `word` (a verb, `left`).
  func checkWord(_ word: String) -> Bool {
    current.kind == .identifier && text(current).lowercased() == word
  }

  /// "expected X, found Y" at the current token.
  func expected(_ what: String, help: String? = nil) -> Diagnostic {
    let t = current
    if case .error(let e) = t.kind {
      var d = Diagnostic(e.message, at: t.span, help: help)
      d.isIncompleteInput = e.isUnterminated && t.span.end >= file.bytes.count
      return d
    }
    let found: String
    switch t.kind {
    case .identifier, .quotedIdentifier, .number, .percent, .money, .date, .string:
      found = "'\(text(t))'"
    default: found = t.kind.description
    }
    var d = Diagnostic(
      "expected \(what), found \(found)", at: t.kind == .endOfInput ? Span(previousEnd, previousEnd) : t.span,
      help: help)
    d.isIncompleteInput = t.kind == .endOfInput
    return d
  }

  mutating func expect(_ s: Symbol, _ what: String? = nil) throws {
    guard accept(s) else { throw expected(what ?? "'\(s.rawValue)'") }
  }

  /// name = IDENT | QUOTED_IDENT
  mutating func parseName(_ what: String = "a name") throws -> Name {
    let t = current
    switch t.kind {
    case .identifier:
      pos += 1
      return Name(text: text(t), span: t.span)
    case .quotedIdentifier:
      pos += 1
      return Name(text: String(text(t).dropFirst().dropLast()), span: t.span)
    default:
      throw expected(what)
    }
  }

  // MARK: - Statements

  /// script = { separator } [ statement { separator { separator } statement } ] { separator }
  mutating func parseScript() -> [Statement] {
    var statements: [Statement] = []
    while true {
      while accept(.semicolon) || current.kind == .newline { pos += current.kind == .newline ? 1 : 0 }
      if current.kind == .endOfInput { break }
      let start = pos
      do {
        let s = try parseStatement()
        if !(current.kind == .newline || check(.semicolon) || current.kind == .endOfInput) {
          var d = expected("'|' or the end of the statement", help: stepHelp())
          if d.help != nil { d.fix = Diagnostic.Fix(Span(current.span.start, current.span.start), "| ") }
          throw d
        }
        statements.append(s)
      } catch let d as Diagnostic {
        diagnostics.append(d.in(file))
        if pos == start { pos += 1 }
        skipStatement()
      } catch is AlreadyReported {
        skipStatement()
      } catch {
        preconditionFailure("parser threw \(error)")
      }
    }
    return statements
  }

  /// When a verb follows a step without `|`, say so.
  func stepHelp() -> String? {
    if current.kind == .identifier, Verb(rawValue: text(current).lowercased()) != nil {
      return "put '|' before '\(text(current))' to start a new step"
    }
    return nil
  }

  mutating func skipStatement() {
    while !(current.kind == .newline || check(.semicolon) || current.kind == .endOfInput) { pos += 1 }
  }

  /// statement = let_statement | pipeline | DOT_COMMAND | expression
  mutating func parseStatement() throws -> Statement {
    let start = current.span.start
    if current.kind == .dotCommand {
      let t = advance()
      let line = text(t).dropFirst()
      let name = line.prefix(while: { !$0.isWhitespace })
      let argument = line.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
      return Statement(kind: .dotCommand(name: name.lowercased(), argument: argument), span: t.span)
    }
    if accept(.let) {
      // let_statement = "let" name "=" ( pipeline | expression )
      let name = try parseName("a name after 'let'")
      try expect(.assign, "'=' after 'let \(name.text)'")
      if checkWord("from") {
        let p = try parsePipeline()
        return Statement(kind: .letPipeline(name, p), span: Span(start, previousEnd))
      }
      let e = try parseExpression()
      return Statement(kind: .letValue(name, e), span: Span(start, previousEnd))
    }
    if checkWord("from") {
      let p = try parsePipeline()
      return Statement(kind: .pipeline(p), span: p.span)
    }
    if current.kind == .identifier {
      let word = text(current)
      let next = tokens[pos + 1].kind
      if Verb(rawValue: word.lowercased()) != nil, next != .symbol(.leftParen) {
        throw Diagnostic("a pipeline starts with 'from'", at: current.span, help: "write 'from TABLE | \(word) …'")
      }
      if next == .identifier || next == .quotedIdentifier || next == .string,
        let guess = closest(to: word, in: ["from", "let"])
      {
        throw Diagnostic("unknown statement '\(word)'", at: current.span, help: "did you mean '\(guess)'?")
      }
    }
    // expression_statement = expression
    let e = try parseExpression()
    return Statement(kind: .expression(e), span: e.span)
  }

  /// pipeline = from_step { "|" step }
  mutating func parsePipeline() throws -> Pipeline {
    let start = current.span.start
    var steps = [try parseStep()]
    var failed = false
    while accept(.pipe) {
      do {
        steps.append(try parseStep())
      } catch let d as Diagnostic {
        // Recover at the next `|` so one typo gives one error.
        if d.isIncompleteInput && !failed { throw d }
        diagnostics.append(d.in(file))
        failed = true
        while !(check(.pipe) || current.kind == .newline || check(.semicolon) || current.kind == .endOfInput) {
          pos += 1
        }
      }
    }
    if failed { throw AlreadyReported() }
    if let chart = steps.dropLast().first(where: { $0.verb == .chart }) {
      throw Diagnostic(
        "'chart' draws the result, so it is the last step", at: chart.span,
        help: "move the steps after it before 'chart'")
    }
    return Pipeline(steps: steps, span: Span(start, previousEnd))
  }
}

/// A step failed and its diagnostic is recorded; the statement is skipped.
struct AlreadyReported: Error {}

extension TokenKind {
  /// A line starting with one of these continues the one before: no
  /// statement can begin with it.
  var startsContinuation: Bool {
    switch self {
    case .symbol(let s): return s != .leftParen && s != .minus && s != .semicolon
    case .keyword(let k): return [.and, .or, .by, .on, .asc, .desc, .in].contains(k)
    default: return false
    }
  }

  /// A line ending in one of these goes on to the next line.
  var continuesLine: Bool {
    switch self {
    case .symbol(let s):
      return s != .rightParen && s != .semicolon && s != .dot
    case .keyword(let k):
      return [.and, .or, .not, .in, .by, .on, .let].contains(k)
    default:
      return false
    }
  }
}
