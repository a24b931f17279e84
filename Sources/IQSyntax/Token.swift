import IQCore

/// Reserved words; matched case-insensitively. Verbs are not reserved: they
/// are names that mean a step only at the start of a step (`count` is also
/// an aggregate).
public enum Keyword: String, CaseIterable, Sendable {
  case `let`, and, or, not, `in`, by, on, asc, desc, `true`, `false`, null, to
}

/// Operators and punctuation, spelt as in the grammar.
public enum Symbol: String, CaseIterable, Sendable {
  case pipe = "|"
  case comma = ","
  case semicolon = ";"
  case leftParen = "("
  case rightParen = ")"
  case assign = "="
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case plus = "+"
  case minus = "-"
  case star = "*"
  case slash = "/"
  case dot = "."
  case colon = ":"
}

public enum TokenKind: Equatable, Sendable {
  /// A name: a column, table, function or verb.
  case identifier
  /// A name in backticks: `` `Awaiting public funding` ``.
  case quotedIdentifier
  case keyword(Keyword)
  /// Whole or fractional number, possibly scaled (`87k`, `5.3bn`).
  case number
  /// A number followed by `%`.
  case percent
  /// `£311m` or `GBP 311m`.
  case money
  /// `@2015-04-01` or `@2015-04`.
  case date
  case string
  case symbol(Symbol)
  /// A whole line starting with `.`: `.mode csv`.
  case dotCommand
  case newline
  case endOfInput
  /// Text the lexer could not read, and why.
  case error(LexError)
}

/// What the lexer could not read. The parser reports it; the shell asks for
/// another line when a string or a name in backticks is still open.
public enum LexError: Equatable, Sendable {
  case noAmountAfterPound
  case strayPercent
  case unexpectedCharacter(String)
  case unknownSuffix(String)
  case unknownEscape
  case unterminatedString(quote: Character)
  case unterminatedName
  case emptyName
  case notADate(String)

  /// A string or a name in backticks that the input ends inside.
  public var isUnterminated: Bool {
    switch self {
    case .unterminatedString, .unterminatedName: return true
    default: return false
    }
  }

  public var message: String {
    switch self {
    case .noAmountAfterPound: return "expected an amount after '£', e.g. £311m"
    case .strayPercent: return "'%' is a percent sign only right after a number; for a remainder use mod(a, b)"
    case .unexpectedCharacter(let c): return "unexpected character '\(c)'"
    case .unknownSuffix(let s): return "unknown suffix '\(s)' after a number; the scales are k, m and bn"
    case .unknownEscape: return "unknown escape in string; the escapes are \\\" \\' \\\\ \\n \\t"
    case .unterminatedString(let q): return "unterminated string: no closing \(q) before the end"
    case .unterminatedName: return "unterminated name in backticks"
    case .emptyName: return "empty name in backticks"
    case .notADate(let t): return "'@\(t)' is not a date; write @2015-04-01, or @2015-04 for the first of the month"
    }
  }
}

/// A token is its kind and a half-open byte span; its text is read from the source.
public struct Token: Equatable, Sendable {
  public var kind: TokenKind
  public var span: Span

  public init(_ kind: TokenKind, _ span: Span) {
    self.kind = kind
    self.span = span
  }
}

extension TokenKind {
  /// How a token is named in "expected X, found Y".
  public var description: String {
    switch self {
    case .identifier, .quotedIdentifier: return "a name"
    case .keyword(let k): return "'\(k.rawValue)'"
    case .number: return "a number"
    case .percent: return "a percentage"
    case .money: return "a money amount"
    case .date: return "a date"
    case .string: return "a string"
    case .symbol(let s): return "'\(s.rawValue)'"
    case .dotCommand: return "a dot-command"
    case .newline: return "end of line"
    case .endOfInput: return "end of input"
    case .error(let e): return e.message
    }
  }
}
