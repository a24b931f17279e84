import Foundation
import IQCore
import IQPlan
import IQSyntax
import IQWorkbook

/// What the shell needs to know about a statement being typed: whether it
/// is complete, and what may come at the cursor. Plain functions, tested
/// without a terminal.
public enum Continuation {
  /// True when the parser stopped at the end of the input: the statement
  /// goes on, and the shell asks for another line.
  public static func needsMore(_ text: String) -> Bool {
    let (_, diagnostics) = Parser.parse(SourceFile(name: "<shell>", text: text))
    return diagnostics.contains { $0.isIncompleteInput }
  }

  /// True when the text starts with a step (`| where …`): in the shell it
  /// continues the last query run, as a line starting with `|` continues
  /// the statement before it in a script.
  public static func startsWithStep(_ text: String) -> Bool {
    var rest = Substring(text)
    while let first = rest.first {
      if first.isWhitespace {
        rest = rest.dropFirst()
      } else if first == "#" {
        rest = rest.drop(while: { $0 != "\n" })
      } else {
        return first == "|"
      }
    }
    return false
  }

  /// The text of each statement in a source (a paste of several), for
  /// history: one entry per statement, blank lines and comments between
  /// them left out. Text that does not parse is one entry.
  public static func statements(_ text: String) -> [String] {
    let file = SourceFile(name: "<shell>", text: text)
    let (statements, diagnostics) = Parser.parse(file)
    guard diagnostics.isEmpty, statements.count > 1 else { return [text] }
    return statements.map { file.text(of: $0.span) }
  }

  /// True when a statement is one pipeline (it may be continued by `| …`).
  public static func isPipeline(_ text: String) -> Bool {
    let (statements, diagnostics) = Parser.parse(SourceFile(name: "<shell>", text: text))
    guard diagnostics.isEmpty, statements.count == 1, case .pipeline = statements[0].kind else { return false }
    return true
  }
}

public struct Completion: Equatable, Sendable {
  /// Where in the text the word being completed starts (a byte offset).
  public var start: Int
  /// What may replace the text from `start` to the cursor, sorted.
  public var candidates: [String]

  /// The longest text every candidate starts with.
  public var commonPrefix: String {
    guard var p = candidates.first else { return "" }
    for c in candidates.dropFirst() {
      while !c.lowercased().hasPrefix(p.lowercased()) { p.removeLast() }
    }
    return p
  }

  /// Candidates for the word before `cursor` in `text` (a statement, with
  /// any lines already entered before the current one).
  public static func complete(_ text: String, cursor: Int, session: Session) -> Completion {
    let bytes = Array(text.utf8)
    let cursor = min(cursor, bytes.count)
    let before = String(decoding: bytes[..<cursor], as: UTF8.self)
    let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
    let line = before[lineStart...]
    let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })

    // Dot-commands and their arguments.
    if trimmed.hasPrefix(".") {
      let parts = trimmed.dropFirst().split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
      if parts.count == 1 {
        return word(before, cursor, DotCommand.allCases.map { "." + $0.rawValue }, prefixChars: ".")
      }
      let argument = String(parts[1])
      switch parts[0] {
      case "describe":
        if argument.hasPrefix("\"") { return files(String(argument.dropFirst()), cursor: cursor) }
        return word(before, cursor, session.catalog.names)
      case "mode": return word(before, cursor, OutputFormat.allCases.map(\.rawValue))
      case "timer": return word(before, cursor, ["on", "off"])
      case "help": return word(before, cursor, Help.topics.map(\.name) + DotCommand.allCases.map(\.rawValue))
      case "read", "output": return files(argument, cursor: cursor)
      default: return Completion(start: cursor, candidates: [])
      }
    }

    let file = SourceFile(name: "<shell>", text: before)
    var tokens = Lexer.tokenize(file).dropLast()
    // Inside a string: a file name after from, join or append.
    if let last = tokens.last, case .error(.unterminatedString) = last.kind,
      last.span.end == cursor
    {
      let previous = tokens.dropLast().last.map { file.text(of: $0.span).lowercased() }
      if let previous, ["from", "join", "append", "left"].contains(previous) {
        return files(String(file.text(of: last.span).dropFirst()), cursor: cursor)
      }
      if let sheets = sheetNames(Array(tokens.dropLast()), file: file, session: session) {
        let partial = String(file.text(of: last.span).dropFirst())
        return Completion(
          start: cursor - partial.utf8.count, candidates: sheets.filter { $0.hasPrefix(partial) && $0 != partial })
      }
      return Completion(start: cursor, candidates: [])
    }
    // The word being typed, if the cursor is at the end of one.
    var prefix = ""
    if let last = tokens.last, last.span.end == cursor, last.kind == .identifier || (last.kind.isKeyword) {
      prefix = file.text(of: last.span)
      tokens = tokens.dropLast()
    }
    let start = cursor - prefix.utf8.count
    let significant = tokens.filter { $0.kind != .newline }
    let previous = significant.last
    let previousWord = previous.map { file.text(of: $0.span).lowercased() } ?? ""

    func offer(_ words: [String]) -> Completion {
      let lower = prefix.lowercased()
      let found = Set(words.filter { $0.lowercased().hasPrefix(lower) && $0 != prefix })
      return Completion(start: start, candidates: found.sorted { $0.lowercased() < $1.lowercased() })
    }

    // At the start of a statement.
    if previous == nil || previous?.kind == .symbol(.semicolon) {
      return offer(["from", "let"])
    }
    if previous?.kind == .symbol(.pipe) { return offer(Verb.allCases.map(\.rawValue).filter { $0 != "from" }) }
    if ["from", "join", "append"].contains(previousWord) && previous?.kind == .identifier {
      return offer(session.catalog.names + (previousWord == "join" ? ["left"] : []) + ["stdin"])
    }
    if let options = fileOptions(significant, file: file, previous: previous) { return offer(options) }
    if previousWord == "left", significant.dropLast().last.map({ file.text(of: $0.span).lowercased() }) == "join" {
      return offer(session.catalog.names)
    }
    if previousWord == "=" && significant.count == 3 && significant.first?.kind == .keyword(.let) {
      return offer(["from"])
    }
    // In an expression: the columns in scope at this step, then functions and values.
    let columns = columnsInScope(before, tokens: Array(significant), file: file, session: session)
    var words = columns + Resolver.allCallNames.map { $0 + "(" } + Array(session.values.keys)
    words += ["and", "or", "not", "in", "by", "asc", "desc", "true", "false", "null"]
    if previousWord == "on" || previousWord == "by" || previousWord == "," {
      words.removeAll { $0.hasSuffix("(") && previousWord == "on" }
    }
    return offer(words)
  }

  /// After a file (`from "f.csv" `): `with`; after `with` or a comma
  /// among its options: the options; after `name:` in `types`: the types.
  static func fileOptions(_ tokens: [Token], file: SourceFile, previous: Token?) -> [String]? {
    func word(_ t: Token) -> String { file.text(of: t.span).lowercased() }
    guard let (step, source) = fileInStep(tokens, file: file, after: readingWords, orStdin: true) else { return nil }
    if source == step.count - 1 { return ["with"] }
    guard word(step[source + 1]) == "with", let previous else { return nil }
    if previous.kind == .symbol(.colon) { return Resolver.typeNames }
    let open = step.lastIndex { $0.kind == .symbol(.leftParen) } ?? -1
    let close = step.lastIndex { $0.kind == .symbol(.rightParen) } ?? -1
    if word(previous) == "with" || (previous.kind == .symbol(.comma) && close >= open) { return Resolver.optionNames }
    return nil
  }

  /// The words a file read by a step follows: `from "f.csv"`, `join left many "f.csv"`.
  static let readingWords: Set<String> = ["from", "join", "append", "left", "many"]

  /// The step being typed (the tokens after the last `|`), and where in it
  /// its file is: the first string (or `stdin`) that follows one of `words`.
  static func fileInStep(_ tokens: [Token], file: SourceFile, after words: Set<String>, orStdin: Bool = false)
    -> (step: [Token], source: Int)?
  {
    func word(_ t: Token) -> String { file.text(of: t.span).lowercased() }
    let step = tokens.lastIndex(where: { $0.kind == .symbol(.pipe) }).map { Array(tokens[($0 + 1)...]) } ?? tokens
    guard
      let source = step.firstIndex(where: {
        $0.kind == .string || (orStdin && $0.kind == .identifier && word($0) == "stdin")
      }),
      source > 0, words.contains(word(step[source - 1]))
    else { return nil }
    return (step, source)
  }

  /// After `sheet = "` in the options of a workbook (`from "f.xlsx" with
  /// sheet = "`, `save "f.xlsx" with sheet = "`): the workbook's sheet names.
  static func sheetNames(_ tokens: [Token], file: SourceFile, session: Session) -> [String]? {
    func word(_ t: Token) -> String { file.text(of: t.span).lowercased() }
    guard tokens.count >= 4, tokens[tokens.count - 1].kind == .symbol(.assign),
      word(tokens[tokens.count - 2]) == "sheet",
      // A workbook read, or saved to (its sheets are the ones a save can replace).
      let (step, source) = fileInStep(tokens, file: file, after: readingWords.union(["save"]))
    else { return nil }
    let path = String(file.text(of: step[source].span).dropFirst().dropLast())
    guard WorkbookReader.extensions.contains((path as NSString).pathExtension.lowercased()) else { return nil }
    return WorkbookReader.sheetNames(file: filePath(path, in: session.directory))
  }

  /// Columns of the pipeline's steps before the one at the cursor, with
  /// the joined table's columns too while typing a join.
  static func columnsInScope(_ text: String, tokens: [Token], file: SourceFile, session: Session) -> [String] {
    guard let lastPipe = tokens.lastIndex(where: { $0.kind == .symbol(.pipe) }) else {
      return []
    }
    // The statement starts after the last separator before it.
    let statementStart =
      tokens[..<lastPipe].lastIndex(where: { $0.kind == .symbol(.semicolon) }).map { tokens[$0].span.end } ?? 0
    var head = String(decoding: file.bytes[statementStart..<tokens[lastPipe].span.start], as: UTF8.self)
    if let letRange = head.range(of: #"^\s*let\s+\S+\s*=\s*"#, options: [.regularExpression, .caseInsensitive]) {
      head.removeSubrange(letRange)
    }
    let (statements, diagnostics) = Parser.parse(SourceFile(name: "<shell>", text: head))
    guard diagnostics.isEmpty, let s = statements.last, case .pipeline(let p) = s.kind,
      let plan = try? session.resolver().resolve(p)
    else { return [] }
    var names = plan.fields.map(\.name)
    // `| join T on ` offers the columns of T as well.
    let step = tokens[(lastPipe + 1)...]
    if let verb = step.first, file.text(of: verb.span).lowercased() == "join" {
      let table = step.dropFirst().first { $0.kind == .identifier && file.text(of: $0.span).lowercased() != "left" }
      if let table, let found = session.catalog.lookup(file.text(of: table.span)),
        let entry = session.catalog.entry(found)
      {
        names += entry.fields.map(\.name)
      }
    }
    return names.map { $0.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) ? $0 : "`\($0)`" }
  }

  /// Words from a list that start with the word before the cursor.
  static func word(_ before: String, _ cursor: Int, _ words: [String], prefixChars: String = "") -> Completion {
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_" + prefixChars))
    var prefix = ""
    for ch in before.unicodeScalars.reversed() {
      guard allowed.contains(ch) else { break }
      prefix.unicodeScalars.insert(ch, at: prefix.unicodeScalars.startIndex)
    }
    let found = words.filter { $0.lowercased().hasPrefix(prefix.lowercased()) && $0 != prefix }
    return Completion(start: cursor - prefix.utf8.count, candidates: Array(Set(found)).sorted())
  }

  /// File and folder names that start with the partial path.
  static func files(_ partial: String, cursor: Int) -> Completion {
    let dir = partial.contains("/") ? String(partial[...partial.lastIndex(of: "/")!]) : ""
    let stem = String(partial.dropFirst(dir.count))
    let expanded = dir.hasPrefix("~") ? (dir as NSString).expandingTildeInPath + "/" : dir
    let names = (try? FileManager.default.contentsOfDirectory(atPath: expanded.isEmpty ? "." : expanded)) ?? []
    let found = names.filter { $0.hasPrefix(stem) && !$0.hasPrefix(".") }.map { name -> String in
      var isDir: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: expanded + name, isDirectory: &isDir)
      return name + (isDir.boolValue ? "/" : "")
    }
    return Completion(start: cursor - stem.utf8.count, candidates: found.sorted())
  }
}

extension TokenKind {
  var isKeyword: Bool {
    if case .keyword = self { return true }
    return false
  }
}

extension Continuation {
  /// A statement as one history line: line breaks and comments between
  /// tokens become single spaces, so Up brings the whole statement back
  /// and it runs the same.
  public static func historyEntry(_ text: String) -> String {
    let file = SourceFile(name: "<shell>", text: text)
    let tokens = Lexer.tokenize(file)
    if tokens.contains(where: { $0.kind == .dotCommand })
      || tokens.contains(where: { if case .error = $0.kind { return true } else { return false } })
    {
      return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var out = ""
    var previousEnd = 0
    for t in tokens where t.kind != .newline {
      if t.kind == .endOfInput { break }
      let gap = file.text(of: Span(previousEnd, t.span.start))
      if !out.isEmpty { out += gap.contains("\n") || gap.contains("#") || gap.contains("\t") ? " " : gap }
      out += file.text(of: t.span)
      previousEnd = t.span.end
    }
    return out
  }
}
