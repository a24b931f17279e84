import IQCore

/// Words and forms that people bring from SQL, PRQL, dplyr and pandas, each
/// answered with the iq way to say it (LANGUAGE.md section 11). Every
/// pointer carries its edit as a `Fix`, and the tests run the fixed query.
extension Parser {
  /// Verbs of other tools, and the iq verb that does the same.
  static let verbHabits: [String: (verb: String, from: String)] = [
    "filter": ("where", "PRQL, dplyr and pandas"),
    "limit": ("take", "SQL"),
    "head": ("take", "pandas"),
    "slice": ("take", "dplyr"),
    "order": ("sort", "SQL"),
    "arrange": ("sort", "dplyr"),
    "mutate": ("derive", "dplyr"),
    "assign": ("derive", "pandas"),
    "group": ("summarize", "SQL"),
    "group_by": ("summarize", "dplyr and pandas"),
    "aggregate": ("summarize", "PRQL"),
    "agg": ("summarize", "pandas"),
  ]

  /// `filter`, `order by`, `group by`, `limit`, `head`: an unknown verb that
  /// is another tool's.
  func verbHabit(_ word: String, at span: Span) -> Diagnostic? {
    guard let habit = Parser.verbHabits[word.lowercased()] else { return nil }
    let next = tokens[pos + 1]
    let followedByBy = next.kind == .keyword(.by)
    var replaced = span
    var replacement = habit.verb
    switch habit.verb {
    case "sort":
      // `order by x` → `sort x`
      if followedByBy { replaced = span.to(next.span) }
    case "summarize":
      // `group by x` → `summarize n = count() by x`
      if followedByBy || word.lowercased() == "group_by" {
        replaced = followedByBy ? span.to(next.span) : span
        replacement = "summarize n = count() by"
      }
    case "take":
      // `head` alone → `take 10`; `head 5` and `head(5)` keep their number.
      if next.kind != .number && next.kind != .symbol(.leftParen) { replacement = "take 10" }
    default: break
    }
    let fix = Diagnostic.Fix(replaced, replacement)
    return Diagnostic(
      "'\(file.text(of: replaced))' is the word in \(habit.from); iq writes '\(habit.verb)'", at: replaced,
      help: "write: \(fixedLine(fix))", fix: fix)
  }

  /// The line of the source that `fix` edits, with the edit made.
  func fixedLine(_ fix: Diagnostic.Fix) -> String {
    let (line, _) = file.location(of: fix.span.start)
    let (start, end) = file.lineBounds(line)
    let edited = Diagnostic.Fix(Span(fix.span.start - start, min(fix.span.end, end) - start), fix.replacement)
    return edited.applied(to: file.text(of: Span(start, end))).trimmingCharacters(in: .whitespaces)
  }

  /// After an operand: `is null`, `like`, `between` and `<>` from SQL.
  /// Returns nil when the next words are none of these.
  mutating func operatorHabit(after left: Expr) throws -> Diagnostic? {
    let operand = file.text(of: left.span)
    if check(.less) && tokens[pos + 1].kind == .symbol(.greater) && tokens[pos + 1].span.start == current.span.end {
      let fix = Diagnostic.Fix(current.span.to(tokens[pos + 1].span), "!=")
      return Diagnostic(
        "'<>' is SQL's 'not equal'; iq writes '!='", at: fix.span, help: "write: \(fixedLine(fix))", fix: fix)
    }
    let negated = check(.not) && tokens[pos + 1].kind == .identifier
    let at = negated ? pos + 1 : pos
    guard tokens[at].kind == .identifier else { return nil }
    let word = text(tokens[at]).lowercased()
    switch word {
    case "is":
      // x is [not] null
      var end = at + 1
      let not = tokens[end].kind == .keyword(.not)
      if not { end += 1 }
      guard !negated, tokens[end].kind == .keyword(.null) else { return nil }
      let span = left.span.to(tokens[end].span)
      let fix = Diagnostic.Fix(span, (not ? "not " : "") + "is_null(\(operand))")
      return Diagnostic(
        "'\(file.text(of: span))' is SQL; iq writes \(fix.replacement)", at: span,
        help: "write: \(fixedLine(fix))", fix: fix)
    case "like", "ilike":
      // x [not] like "%text%"
      guard tokens[at + 1].kind == .string else { return nil }
      let patternToken = tokens[at + 1]
      let pattern = (try? unescape(patternToken)) ?? ""
      let span = left.span.to(patternToken.span)
      let starts = pattern.hasSuffix("%"), ends = pattern.hasPrefix("%")
      let core = String(pattern.drop(while: { $0 == "%" }).reversed().drop(while: { $0 == "%" }).reversed())
      let function = starts && ends ? "contains" : starts ? "starts_with" : ends ? "ends_with" : nil
      let literal = Value.text(core).literalText
      let fixed =
        function.map { (negated ? "not " : "") + "\($0)(\(operand), \(literal))" }
        ?? "\(operand) \(negated ? "!=" : "==") \(literal)"
      let fix = Diagnostic.Fix(span, fixed)
      return Diagnostic(
        "'like' is SQL; iq has contains, starts_with and ends_with", at: span,
        help: "write: \(fixedLine(fix))", fix: fix)
    case "between":
      // x between a and b
      guard !negated else { return nil }
      pos = at + 1
      let low = try parseBinary(minimum: Precedence.comparison + 1)
      guard accept(.and) else { return nil }
      let high = try parseBinary(minimum: Precedence.comparison + 1)
      let span = left.span.to(high.span)
      let fixed = "\(operand) >= \(file.text(of: low.span)) and \(operand) <= \(file.text(of: high.span))"
      let fix = Diagnostic.Fix(span, fixed)
      return Diagnostic(
        "'between' is SQL; iq writes two comparisons", at: span, help: "write: \(fixedLine(fix))", fix: fix)
    default:
      return nil
    }
  }

  /// `count(*)` and `count(distinct x)` inside a call's brackets.
  func callHabit(_ name: Name, open: Span) -> Diagnostic? {
    guard name.text.lowercased() == "count" else { return nil }
    if check(.star), tokens[pos + 1].kind == .symbol(.rightParen) {
      let span = open.to(tokens[pos + 1].span)
      let fix = Diagnostic.Fix(span, "()")
      return Diagnostic(
        "'count(*)' is SQL; iq writes count() to count rows", at: name.span.to(span),
        help: "write: \(fixedLine(fix))", fix: fix)
    }
    if checkWord("distinct"), tokens[pos + 1].kind == .identifier || tokens[pos + 1].kind == .quotedIdentifier {
      let span = name.span.to(current.span)
      let fix = Diagnostic.Fix(Span(name.span.start, tokens[pos + 1].span.start), "count_distinct(")
      return Diagnostic(
        "'count(distinct …)' is SQL; iq writes count_distinct(…)", at: span, help: "write: \(fixedLine(fix))",
        fix: fix)
    }
    return nil
  }

  /// `select *`: every column is kept when there is no select.
  func selectStarHabit(verbAt verbIndex: Int) -> Diagnostic? {
    guard check(.star) else { return nil }
    // From the end of the step before it, so `from t | select * | take 2` becomes `from t | take 2`.
    let start =
      verbIndex > 1 && tokens[verbIndex - 1].kind == .symbol(.pipe)
      ? tokens[verbIndex - 2].span.end : tokens[verbIndex].span.start
    let removed = Span(start, current.span.end)
    let fix = Diagnostic.Fix(removed, "")
    return Diagnostic(
      "'select *' is SQL; in iq every column is kept until a step says otherwise",
      at: tokens[verbIndex].span.to(current.span),
      help: "leave the step out (\(fixedLine(fix))), or name the columns you want: select area, name", fix: fix)
  }
}
