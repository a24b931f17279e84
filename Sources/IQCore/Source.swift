import Foundation

/// A half-open byte range into a source text; line and column are computed
/// only when a diagnostic is rendered.
public struct Span: Hashable, Sendable {
  public var start: Int
  public var end: Int

  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  public static let none = Span(0, 0)

  /// The smallest span covering both.
  public func to(_ other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }
  public var isEmpty: Bool { start == end }
}

/// A named source text: a script file, `<command>` for `-c`, `<shell>` for the prompt.
public final class SourceFile: @unchecked Sendable {
  public let name: String
  public let text: String
  public let bytes: [UInt8]
  private lazy var lineStarts: [Int] = {
    var starts = [0]
    for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
    return starts
  }()

  public init(name: String, text: String) {
    self.name = name
    self.text = text
    self.bytes = Array(text.utf8)
  }

  /// A script's bytes as source text: a byte that is not UTF-8 is an
  /// error that says on which line and column the first one stands.
  public static func decoding(_ bytes: [UInt8], name: String) throws -> SourceFile {
    let bad = bytes.withUnsafeBufferPointer { p in
      TextBytes.firstInvalidUTF8(p, 0..<p.count).map {
        TextBytes.notUTF8(p, $0, name: name, help: "save the script as UTF-8 text")
      }
    }
    if let bad { throw bad }
    return SourceFile(name: name, text: String(decoding: bytes, as: UTF8.self))
  }

  /// 1-based line and 1-based column (in characters) of a byte offset.
  public func location(of offset: Int) -> (line: Int, column: Int) {
    let offset = min(max(0, offset), bytes.count)
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
    }
    let column = characterCount(lineStarts[lo], offset) + 1
    return (lo + 1, column)
  }

  /// The byte range of a 1-based line, without its line break.
  public func lineBounds(_ number: Int) -> (start: Int, end: Int) {
    guard number >= 1 && number <= lineStarts.count else { return (bytes.count, bytes.count) }
    let start = lineStarts[number - 1]
    var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
    if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return (start, max(start, end))
  }

  /// The text of a 1-based line, without its line break.
  public func line(_ number: Int) -> String {
    let (start, end) = lineBounds(number)
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  public func text(of span: Span) -> String {
    let s = min(span.start, bytes.count)
    let e = min(span.end, bytes.count)
    return String(decoding: bytes[s..<e], as: UTF8.self)
  }

  /// Characters between two byte offsets on one line (continuation bytes don't count).
  func characterCount(_ from: Int, _ to: Int) -> Int {
    var n = 0
    var i = from
    while i < to && i < bytes.count {
      if bytes[i] & 0xC0 != 0x80 { n += 1 }
      i += 1
    }
    return n
  }
}

/// Where a file named in a statement is: a relative name is taken from
/// `directory` when one is given (a session can run as if started in any
/// folder, as the golden tests do), else from the process's own folder.
/// Messages still show the name as it was written.
public func filePath(_ name: String, in directory: String?) -> String {
  guard let directory, !name.hasPrefix("/"), !name.hasPrefix("~") else { return name }
  return (directory as NSString).appendingPathComponent(name)
}
