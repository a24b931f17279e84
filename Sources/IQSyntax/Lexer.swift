import IQCore

/// Turns source bytes into tokens. Never throws: what it cannot read becomes
/// an `.error` token for the parser to report.
public struct Lexer {
  private let bytes: [UInt8]
  private var i = 0
  /// Whether only blanks stand between the last line break and `i`.
  private var atLineStart = true

  public init(_ source: SourceFile) { bytes = source.bytes }

  public static func tokenize(_ source: SourceFile) -> [Token] {
    var lexer = Lexer(source)
    return lexer.all()
  }

  /// Every token, up to `limit`; past it, `stoppedAt` is where reading
  /// stopped and the last token is the end of input.
  public mutating func all(limit: Int = .max) -> [Token] {
    var out: [Token] = []
    while true {
      let t = next()
      if out.count == limit && t.kind != .endOfInput {
        stoppedAt = t.span
        out.append(Token(.endOfInput, Span(t.span.start, t.span.start)))
        return out
      }
      out.append(t)
      if t.kind == .endOfInput { return out }
    }
  }

  /// Set when `all(limit:)` stopped before the end.
  public private(set) var stoppedAt: Span?

  private func peek(_ k: Int = 0) -> UInt8 { i + k < bytes.count ? bytes[i + k] : 0 }

  private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
  private static func isNameStart(_ b: UInt8) -> Bool {
    (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
  }
  private static func isNameByte(_ b: UInt8) -> Bool { isNameStart(b) || isDigit(b) }

  public mutating func next() -> Token {
    // Blanks and comments; a line break is a token.
    while i < bytes.count {
      let b = bytes[i]
      if b == 32 || b == 9 || b == 13 {
        i += 1
      } else if b == UInt8(ascii: "#") {
        while i < bytes.count && bytes[i] != 10 { i += 1 }
      } else {
        break
      }
    }
    let start = i
    guard i < bytes.count else { return Token(.endOfInput, Span(i, i)) }
    let b = bytes[i]
    let lineStart = atLineStart
    atLineStart = false
    if b == 10 {
      i += 1
      atLineStart = true
      return Token(.newline, Span(start, i))
    }
    if b == UInt8(ascii: ".") && lineStart && Lexer.isNameStart(peek(1)) {
      while i < bytes.count && bytes[i] != 10 { i += 1 }
      var end = i
      while end > start && (bytes[end - 1] == 32 || bytes[end - 1] == 13 || bytes[end - 1] == 9) { end -= 1 }
      return Token(.dotCommand, Span(start, end))
    }
    if Lexer.isNameStart(b) { return name(start) }
    if Lexer.isDigit(b) { return number(start, kind: .number) }
    switch b {
    case UInt8(ascii: "\""), UInt8(ascii: "'"): return string(start, quote: b)
    case UInt8(ascii: "`"): return quotedName(start)
    case UInt8(ascii: "@"): return date(start)
    case 0xC2 where peek(1) == 0xA3:  // £
      i += 2
      guard Lexer.isDigit(peek()) else {
        return Token(.error(.noAmountAfterPound), Span(start, i))
      }
      return number(start, kind: .money)
    default: break
    }
    i += 1
    let two = i < bytes.count ? String(decoding: [b, bytes[i]], as: UTF8.self) : ""
    if let s = Symbol(rawValue: two), two.count == 2 {
      i += 1
      return Token(.symbol(s), Span(start, i))
    }
    if let s = Symbol(rawValue: String(UnicodeScalar(b))) {
      return Token(.symbol(s), Span(start, i))
    }
    if b == UInt8(ascii: "%") {
      return Token(.error(.strayPercent), Span(start, i))
    }
    // Consume a whole UTF-8 character so the error underlines it.
    while i < bytes.count && bytes[i] & 0xC0 == 0x80 { i += 1 }
    let text = String(decoding: bytes[start..<i], as: UTF8.self)
    return Token(.error(.unexpectedCharacter(text)), Span(start, i))
  }

  private mutating func name(_ start: Int) -> Token {
    while i < bytes.count && Lexer.isNameByte(bytes[i]) { i += 1 }
    let text = String(decoding: bytes[start..<i], as: UTF8.self)
    // `GBP 311m`: the ASCII spelling of a money literal.
    if text == "GBP" {
      var j = i
      while j < bytes.count && bytes[j] == 32 { j += 1 }
      if j < bytes.count && Lexer.isDigit(bytes[j]) {
        i = j
        return number(start, kind: .money)
      }
    }
    if let k = Keyword(rawValue: text.lowercased()) { return Token(.keyword(k), Span(start, i)) }
    return Token(.identifier, Span(start, i))
  }

  /// number = digits ["." digits] [exponent] [scale | "%"]; digits may hold `_`.
  private mutating func number(_ start: Int, kind: TokenKind) -> Token {
    func digits() {
      while i < bytes.count && (Lexer.isDigit(bytes[i]) || (bytes[i] == 95 && Lexer.isDigit(peek(1)))) {
        i += 1
      }
    }
    digits()
    if peek() == UInt8(ascii: ".") && Lexer.isDigit(peek(1)) {
      i += 1
      digits()
    }
    if (peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E"))
      && (Lexer.isDigit(peek(1)) || ((peek(1) == 43 || peek(1) == 45) && Lexer.isDigit(peek(2))))
    {
      i += 2
      digits()
    }
    var kind = kind
    if peek() == UInt8(ascii: "%") && kind == .number {
      i += 1
      kind = .percent
    } else if peek() == UInt8(ascii: "b") && peek(1) == UInt8(ascii: "n") && !Lexer.isNameByte(peek(2)) {
      i += 2
    } else if (peek() == UInt8(ascii: "k") || peek() == UInt8(ascii: "m")) && !Lexer.isNameByte(peek(1)) {
      i += 1
    }
    if Lexer.isNameByte(peek()) {
      let s = i
      while i < bytes.count && Lexer.isNameByte(bytes[i]) { i += 1 }
      let suffix = String(decoding: bytes[s..<i], as: UTF8.self)
      return Token(.error(.unknownSuffix(suffix)), Span(start, i))
    }
    return Token(kind, Span(start, i))
  }

  private mutating func string(_ start: Int, quote: UInt8) -> Token {
    i += 1
    while i < bytes.count {
      let b = bytes[i]
      if b == quote {
        i += 1
        return Token(.string, Span(start, i))
      }
      if b == UInt8(ascii: "\\") {
        let e = peek(1)
        guard
          [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "t")].contains(e)
        else {
          i += e == 0 ? 1 : 2
          // Skip to the closing quote so one bad escape gives one error.
          while i < bytes.count && bytes[i] != quote && bytes[i] != 10 { i += 1 }
          if i < bytes.count && bytes[i] == quote { i += 1 }
          return Token(.error(.unknownEscape), Span(start, i))
        }
        i += 2
        continue
      }
      i += 1
    }
    return Token(.error(.unterminatedString(quote: quote == 34 ? "\"" : "'")), Span(start, i))
  }

  private mutating func quotedName(_ start: Int) -> Token {
    i += 1
    while i < bytes.count && bytes[i] != UInt8(ascii: "`") && bytes[i] != 10 { i += 1 }
    guard i < bytes.count && bytes[i] == UInt8(ascii: "`") else {
      return Token(.error(.unterminatedName), Span(start, i))
    }
    i += 1
    if i - start == 2 { return Token(.error(.emptyName), Span(start, i)) }
    return Token(.quotedIdentifier, Span(start, i))
  }

  /// date = "@" yyyy "-" mm ["-" dd]
  private mutating func date(_ start: Int) -> Token {
    i += 1
    while i < bytes.count && (Lexer.isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "-")) { i += 1 }
    let text = String(decoding: bytes[(start + 1)..<i], as: UTF8.self)
    guard Date.parseISO(text, allowMonth: true) != nil else {
      return Token(.error(.notADate(text)), Span(start, i))
    }
    return Token(.date, Span(start, i))
  }
}

/// Decodes the text of literal tokens into values.
enum Literal {
  /// An exact decimal: value = digits × 10^exponent.
  struct Decimal {
    var digits: String
    var exponent: Int
  }

  /// Splits `87_000`, `3.07`, `1e6`, `5.3bn` into exact digits and exponent.
  static func decimal(_ text: String) -> (Decimal, scaled: Bool) {
    var s = Substring(text.replacingOccurrences(of: "_", with: ""))
    var exp = 0
    var scaled = true
    if s.hasSuffix("bn") {
      exp = 9
      s = s.dropLast(2)
    } else if s.hasSuffix("k") {
      exp = 3
      s = s.dropLast()
    } else if s.hasSuffix("m") {
      exp = 6
      s = s.dropLast()
    } else {
      scaled = false
    }
    if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      // An exponent past ±2^40 is past any double's range too, however many
      // digits stand before it; the bound keeps the sums below from overflowing.
      let written = s[s.index(after: e)...]
      let bound = 1 << 40
      exp += Int(written).map { min(bound, max(-bound, $0)) } ?? (written.hasPrefix("-") ? -bound : bound)
      s = s[..<e]
    }
    var digits = String(s)
    if let dot = digits.firstIndex(of: ".") {
      exp -= digits.distance(from: dot, to: digits.endIndex) - 1
      digits.remove(at: dot)
    }
    let significant = digits.drop(while: { $0 == "0" })  // in one step: a long run of zeros is read once
    return (Decimal(digits: significant.isEmpty ? "0" : String(significant), exponent: exp), scaled)
  }

  enum Whole: Equatable {
    case value(Int64)
    case fraction
    case overflow
  }

  /// The value as a whole Int64 after shifting by `shift` decimal places (2 for pence).
  static func whole(_ d: Decimal, shift: Int = 0) -> Whole {
    var digits = d.digits
    var exp = d.exponent + shift
    if digits.allSatisfy({ $0 == "0" }) { return .value(0) }
    // Trailing zeros pay for a negative exponent; at most one step a digit.
    while exp < 0 {
      guard digits.last == "0" else { return .fraction }
      digits.removeLast()
      exp += 1
    }
    if digits.count + exp > 19 { return .overflow }
    guard let v = Int64(digits + String(repeating: "0", count: exp)) else { return .overflow }
    return .value(v)
  }

  static func double(_ d: Decimal, shift: Int = 0) -> Double {
    Double("\(d.digits)e\(d.exponent + shift)") ?? .nan
  }
}
