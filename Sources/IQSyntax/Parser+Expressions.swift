import Foundation
import IQCore

extension Parser {
  /// expression = binary expression by the precedence table in Operators.swift:
  ///   or < and < not < comparison, in < + - < * / < unary - < call, primary
  package mutating func parseExpression() throws -> Expr {
    try parseBinary(minimum: 1)
  }

  mutating func parseBinary(minimum: Int) throws -> Expr {
    depth += 1
    defer { depth -= 1 }
    guard depth <= Parser.maxDepth else {
      throw Diagnostic("expression nested too deeply (more than \(Parser.maxDepth) levels)", at: current.span)
    }
    var left = try parsePrefix()
    var comparedAt: Span?
    // A chain `a or b or c …` is built by this loop, not by recursion, but
    // the tree it makes is as deep as it is long: bound it like nesting.
    var chain = 0
    while true {
      chain += 1
      guard chain + depth <= Parser.maxChain else {
        throw Diagnostic(
          "expression too long (more than \(Parser.maxChain) operators in a row)", at: current.span,
          help: "for many values use 'x in (a, b, …)'")
      }
      if minimum <= Precedence.comparison {
        let mark = pos
        if let habit = try operatorHabit(after: left) { throw habit }
        pos = mark
      }
      // comparison = additive [ compare_op additive | [ "not" ] "in" "(" expression { "," expression } ")" ]
      let negatedIn = check(.not) && tokens[pos + 1].kind == .keyword(.in)
      if (check(.in) || negatedIn) && Precedence.comparison >= minimum {
        if comparedAt != nil { throw chained() }
        let opSpan = current.span
        pos += negatedIn ? 2 : 1
        guard check(.leftParen) else { throw expected("'(' and a list after 'in', e.g. in (\"a\", \"b\")") }
        let open = advance().span
        var items = [try parseExpression()]
        while accept(.comma) { items.append(try parseExpression()) }
        try expectClosing(open)
        comparedAt = opSpan
        left = Expr(kind: .inList(left, items, negated: negatedIn), span: left.span.to(Span(previousEnd, previousEnd)))
        continue
      }
      guard let op = Precedence.op(current.kind), let power = Precedence.binary[op], power >= minimum else {
        return left
      }
      if op.isComparison, comparedAt != nil { throw chained() }
      let opSpan = advance().span
      let right = try parseBinary(minimum: power + 1)
      if op.isComparison { comparedAt = opSpan }
      left = Expr(kind: .binary(op, left, right), span: left.span.to(right.span))
    }
  }

  func chained() -> Diagnostic {
    Diagnostic(
      "comparisons do not chain", at: current.span,
      help: "join two comparisons with 'and': a < b and b < c")
  }

  /// prefix = "not" expression | "-" expression | call_or_primary
  mutating func parsePrefix() throws -> Expr {
    let start = current.span
    if accept(.not) {
      let e = try parseBinary(minimum: Precedence.not)
      return Expr(kind: .unary(.not, e), span: start.to(e.span))
    }
    if accept(.minus) {
      // `-9223372036854775808`: the one int whose digits alone don't fit.
      if current.kind == .number, case .overflow = Literal.whole(Literal.decimal(text(current)).0),
        let v = Int64("-" + text(current).replacingOccurrences(of: "_", with: ""))
      {
        let t = advance()
        return Expr(kind: .literal(.int(v)), span: start.to(t.span))
      }
      let e = try parseBinary(minimum: Precedence.negate)
      // Fold `-5` into a literal so that the smallest int can be written.
      if case .literal(let v) = e.kind {
        switch v {
        case .number(let x): return Expr(kind: .literal(.number(-x)), span: start.to(e.span))
        // (not the smallest int itself, `-(-9223372036854775808)`: negating it overflows when run)
        case .int(let x) where x != .min: return Expr(kind: .literal(.int(-x)), span: start.to(e.span))
        case .money(let x): return Expr(kind: .literal(.money(-x)), span: start.to(e.span))
        default: break
        }
      }
      return Expr(kind: .unary(.negate, e), span: start.to(e.span))
    }
    return try parsePrimary()
  }

  /// primary = literal | name [ "." name ] | name "(" [ expression { "," expression } ] ")"
  ///         | "(" expression ")"
  mutating func parsePrimary() throws -> Expr {
    let t = current
    switch t.kind {
    case .number, .percent, .money, .date, .string:
      pos += 1
      return Expr(kind: .literal(try literal(t)), span: t.span)
    case .keyword(.true):
      pos += 1
      return Expr(kind: .literal(.bool(true)), span: t.span)
    case .keyword(.false):
      pos += 1
      return Expr(kind: .literal(.bool(false)), span: t.span)
    case .keyword(.null):
      pos += 1
      return Expr(kind: .literal(.null), span: t.span)
    case .identifier, .quotedIdentifier:
      let name = try parseName()
      if t.kind == .identifier && check(.leftParen) {
        let open = advance().span
        if let habit = callHabit(name, open: open) { throw habit }
        var args: [Expr] = []
        if !check(.rightParen) {
          args.append(try parseExpression())
          while accept(.comma) { args.append(try parseExpression()) }
        }
        try expectClosing(open)
        return Expr(kind: .call(name, args), span: t.span.to(Span(previousEnd, previousEnd)))
      }
      if check(.dot) {
        pos += 1
        let column = try parseName("a column name after '.'")
        return Expr(kind: .name("\(name.text).\(column.text)"), span: t.span.to(column.span))
      }
      return Expr(kind: .name(name.text), span: t.span)
    case .symbol(.leftParen):
      let open = advance().span
      let e = try parseExpression()
      try expectClosing(open)
      return Expr(kind: e.kind, span: open.to(Span(previousEnd, previousEnd)))
    case .symbol(.assign):
      throw Diagnostic("'=' names a column; to compare, write '=='", at: t.span, fix: Diagnostic.Fix(t.span, "=="))
    default:
      throw expected("a value, a column or '('")
    }
  }

  /// ")" expected (to close "(" at line:col)
  mutating func expectClosing(_ open: Span) throws {
    if accept(.rightParen) { return }
    var d = expected("')'")
    let (line, col) = file.location(of: open.start)
    d.message += " (to close '(' at \(line):\(col))"
    d.note = ("'(' opened here", open)
    throw d
  }

  /// Decodes a literal token; fractions of a penny and ints past Int64 are errors.
  func literal(_ t: Token) throws -> Value {
    let raw = text(t)
    switch t.kind {
    case .string:
      return .text(try unescape(t))
    case .date:
      return .date(Date.parseISO(raw.dropFirst(), allowMonth: true)!)
    case .percent:
      let (d, _) = Literal.decimal(String(raw.dropLast()))
      return try finite(Literal.double(d, shift: -2), t)
    case .money:
      var amount = Substring(raw)
      if amount.hasPrefix("£") {
        amount = amount.dropFirst()
      } else {
        amount = amount.dropFirst(3).drop(while: { $0 == " " })
      }
      let (d, _) = Literal.decimal(String(amount))
      switch Literal.whole(d, shift: 2) {
      case .value(let pence): return .money(pence)
      case .fraction:
        throw Diagnostic(
          "money is exact to the penny; \(raw) has a fraction of a penny", at: t.span,
          help: "round it to two decimal places")
      case .overflow:
        throw Diagnostic("\(raw) is too large for money (the limit is about £92 quadrillion)", at: t.span)
      }
    default:
      let (d, scaled) = Literal.decimal(raw)
      let fractional = raw.contains(".") || raw.lowercased().contains("e")
      if fractional && !scaled { return try finite(Literal.double(d), t) }
      switch Literal.whole(d) {
      case .value(let v): return .int(v)
      case .fraction: return try finite(Literal.double(d), t)
      case .overflow:
        if fractional { return try finite(Literal.double(d), t) }
        throw Diagnostic(
          "\(raw) is too large for an int (the largest is 9,223,372,036,854,775,807)", at: t.span,
          help: "write it with a decimal point, \(raw).0, to make it a number",
          fix: Diagnostic.Fix(t.span, "\(raw).0"))
      }
    }
  }

  /// A number literal's value, which must be a double: `1e400` is an error, not infinity.
  func finite(_ v: Double, _ t: Token) throws -> Value {
    guard v.isFinite else {
      throw Diagnostic("\(text(t)) is too large for a number (the largest is about 1.8e308)", at: t.span)
    }
    return .number(v)
  }

  /// The text of a string token without its quotes, escapes decoded.
  func unescape(_ t: Token) throws -> String {
    let raw = Array(text(t).unicodeScalars.dropFirst().dropLast())
    var out = String.UnicodeScalarView()
    var i = 0
    while i < raw.count {
      if raw[i] == "\\" && i + 1 < raw.count {
        switch raw[i + 1] {
        case "n": out.append("\n")
        case "t": out.append("\t")
        default: out.append(raw[i + 1])
        }
        i += 2
      } else {
        out.append(raw[i])
        i += 1
      }
    }
    return String(out)
  }
}
