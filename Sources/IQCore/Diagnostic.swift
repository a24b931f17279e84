/// An error or warning with the span it points at; rendered in one place.
public struct Diagnostic: Error, Sendable {
  public enum Severity: String, Sendable { case error, warning }

  public var severity: Severity = .error
  public var message: String
  public var span: Span?
  /// A second place worth pointing at, e.g. where an unclosed bracket opened.
  public var note: (message: String, span: Span)?
  public var help: String?
  /// The edit that `help` suggests, when it is one replacement: the tests
  /// apply it to each error golden and run the result.
  public var fix: Fix?
  /// True when the input simply stopped early: the shell asks for another line.
  public var isIncompleteInput = false
  /// The source the span points into; set by whoever knows it.
  public var file: SourceFile?

  public init(
    _ message: String, at span: Span?, help: String? = nil, fix: Fix? = nil, severity: Severity = .error
  ) {
    self.message = Diagnostic.shortened(message)
    self.span = span
    self.help = help
    self.fix = fix
    self.severity = severity
  }

  /// Replace the text of `span` with `replacement`.
  public struct Fix: Sendable, Equatable {
    public var span: Span
    public var replacement: String
    public init(_ span: Span, _ replacement: String) {
      self.span = span
      self.replacement = replacement
    }

    /// The source with the fix made.
    public func applied(to text: String) -> String {
      let bytes = Array(text.utf8)
      let start = min(span.start, bytes.count), end = min(max(span.end, start), bytes.count)
      return String(decoding: bytes[..<start] + Array(replacement.utf8) + bytes[end...], as: UTF8.self)
    }
  }

  /// A message quoting a name a megabyte long keeps its start and end.
  static func shortened(_ message: String) -> String {
    guard message.utf8.count > 600 else { return message }
    return String(message.prefix(400)) + "…" + String(message.suffix(120))
  }

  /// Points into `file`, where the text it was told against starts at `offset`.
  package mutating func moveBy(_ offset: Int, into file: SourceFile) {
    func moved(_ s: Span) -> Span { Span(s.start + offset, s.end + offset) }
    span = span.map(moved)
    note = note.map { ($0.message, moved($0.span)) }
    fix = fix.map { Fix(moved($0.span), $0.replacement) }
    self.file = file
  }

  public func `in`(_ file: SourceFile) -> Diagnostic {
    var copy = self
    if copy.file == nil { copy.file = file }
    return copy
  }
}

/// Colours for terminals; empty strings when colour is off.
public struct Palette: Sendable {
  public var error = "", warning = "", underline = "", bold = "", dim = "", reset = ""
  public static let plain = Palette()
  public static let ansi = Palette(
    error: "\u{1B}[1;31m", warning: "\u{1B}[1;33m", underline: "\u{1B}[1;31m",
    bold: "\u{1B}[1m", dim: "\u{1B}[2m", reset: "\u{1B}[0m")
}

extension Diagnostic {
  /// Renders as `file:line:col: error: message`, the source line with the span
  /// underlined, any note, and help.
  public func rendered(palette p: Palette = .plain) -> String {
    let sevColour = severity == .error ? p.error : p.warning
    guard let file, let span else {
      var out = "\(sevColour)\(severity.rawValue):\(p.reset) \(message)\n"
      if let help { out += "help: \(help)\n" }
      return out
    }
    let (line, column) = file.location(of: span.start)
    var out =
      "\(p.bold)\(file.name):\(line):\(column):\(p.reset) \(sevColour)\(severity.rawValue):\(p.reset) \(message)\n"
    out += excerpt(file, span, palette: p)
    if let note {
      let (nl, nc) = file.location(of: note.span.start)
      out += "note: \(note.message) at \(nl):\(nc)\n"
      out += excerpt(file, note.span, palette: p)
    }
    if let help { out += "help: \(help)\n" }
    return out
  }

  private func excerpt(_ file: SourceFile, _ span: Span, palette p: Palette) -> String {
    // A span from elsewhere must not index past the file: clamp it.
    let start = min(max(0, span.start), file.bytes.count)
    let span = Span(start, min(max(start, span.end), file.bytes.count))
    let (line, _) = file.location(of: span.start)
    let (lineStart, lineEnd) = file.lineBounds(line)
    // A very long line is shown as a window of bytes around the mistake.
    let window = 240
    // A long span is cut too: its start is what the underline points at.
    var from = max(lineStart, span.start - window)
    var to = min(lineEnd, min(max(span.end, span.start + 1), span.start + window) + window)
    while from > lineStart && file.bytes[from] & 0xC0 == 0x80 { from -= 1 }
    while to < lineEnd && file.bytes[to] & 0xC0 == 0x80 { to += 1 }
    let lead = from > lineStart ? "…" : "", tail = to < lineEnd ? "…" : ""
    let text = lead + file.text(of: Span(from, to)).replacingOccurrences(of: "\t", with: " ") + tail
    let first = file.characterCount(from, min(span.start, to)) + lead.count
    let width = max(1, file.characterCount(min(span.start, to), min(span.end, to)))
    let gutter = String(line)
    let pad = String(repeating: " ", count: gutter.count)
    let marks = String(repeating: "^", count: width)
    return "  \(gutter) | \(text)\n  \(pad) | \(String(repeating: " ", count: first))\(p.underline)\(marks)\(p.reset)\n"
  }
}

/// Edit distance for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a.lowercased()), b = Array(b.lowercased())
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var before = [Int](repeating: 0, count: b.count + 1)
  var prev = Array(0...b.count)
  var cur = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    cur[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
        cur[j] = min(cur[j], before[j - 2] + 1)  // a transposition counts once
      }
    }
    (before, prev, cur) = (prev, cur, before)
  }
  return prev[b.count]
}

/// The closest candidate within a distance that grows with the name's length.
package func closest(to name: String, in candidates: [String]) -> String? {
  let limit = max(1, min(3, name.count / 3 + 1))
  var best: (String, Int)?
  for c in candidates {
    let d = editDistance(name, c)
    if d <= limit && (best == nil || d < best!.1) { best = (c, d) }
  }
  if best == nil {
    // A prefix is a good guess too: `reg` for `region`.
    let matches = candidates.filter { $0.lowercased().hasPrefix(name.lowercased()) }
    if matches.count == 1 { return matches[0] }
  }
  return best?.0
}

/// A number result, or an error where it passed the largest double:
/// infinity in a finance report is a wrong answer, not a figure. Kernels,
/// aggregates and windows share it.
package func finite(_ x: Double, in what: String, span: Span) throws -> Double {
  guard x.isFinite else {
    throw Diagnostic("number overflow in \(what): the result is past ±1.8e308", at: span)
  }
  return x
}
