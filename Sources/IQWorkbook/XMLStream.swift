import CIQSystem
import CLibXML2
import IQCore

/// What a part's XML says, element by element, as libxml2's SAX2 push
/// parser meets it: no tree is built, so a sheet of a million rows costs
/// the memory of its cells, not of its XML. A subclass reads one kind of
/// part (the workbook, its styles, shared strings, a sheet).
class XMLEvents {
  /// Set by a subclass to stop the parse with this error.
  var failure: Diagnostic? { didSet { stopped = true } }
  /// Set by a subclass that has read what it needs: the rest of the part
  /// is neither inflated nor parsed.
  var done = false { didSet { stopped = true } }
  /// Either of those: checked after every element, so a plain flag.
  private(set) var stopped = false

  func start(_ name: XMLName, _ attributes: XMLAttributes) {}
  func end(_ name: XMLName) {}
  func text(_ p: UnsafePointer<UInt8>, _ n: Int) {}
}

/// An element's local name (the part after any `prefix:`), as libxml2 gives it.
struct XMLName {
  let p: UnsafePointer<UInt8>

  /// The name is exactly `s`.
  @inline(__always) func `is`(_ s: StaticString) -> Bool {
    let q = s.utf8Start
    var i = 0
    while i < s.utf8CodeUnitCount {
      if p[i] != q[i] { return false }
      i += 1
    }
    return p[i] == 0
  }
}

/// An element's attributes: libxml2's five pointers each (local name,
/// prefix, URI, value start, value end).
struct XMLAttributes {
  let p: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
  let count: Int

  /// The value of the attribute named `name` (any prefix), as bytes.
  @inline(__always) func bytes(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
    guard let p else { return nil }
    for i in 0..<count where XMLName(p: p[5 * i]!).is(name) {
      let start = p[5 * i + 3]!, end = p[5 * i + 4]!
      return UnsafeBufferPointer(start: start, count: start.distance(to: end))
    }
    return nil
  }

  /// The value as text. libxml2 keeps an `&amp;` in an attribute as `&#38;`
  /// when it does not substitute entities; it is read back as `&`.
  func string(_ name: StaticString) -> String? {
    guard let b = bytes(name) else { return nil }
    let s = String(decoding: b, as: UTF8.self)
    return s.contains("&#38;") ? s.replacingOccurrences(of: "&#38;", with: "&") : s
  }

  /// The value as a non-negative whole number.
  @inline(__always) func int(_ name: StaticString) -> Int? {
    guard let b = bytes(name), !b.isEmpty, b.count < 12 else { return nil }
    var n = 0
    for c in b {
      guard c >= 48 && c <= 57 else { return nil }
      n = n * 10 + Int(c - 48)
    }
    return n
  }
}

/// One part's XML, fed in chunks as the zip entry inflates.
final class XMLStream {
  private var context: xmlParserCtxtPtr?
  let events: XMLEvents
  /// The part and its workbook, for messages.
  let part: String, workbook: String
  /// A DTD was met: a workbook has none, and entity declarations are how
  /// XML is made to expand past any memory (the "billion laughs").
  private(set) var sawDTD = false

  init(_ events: XMLEvents, part: String, workbook: String) {
    self.events = events
    self.part = part
    self.workbook = workbook
  }

  /// Thrown when the events are done before the part ends.
  struct Finished: Error {}

  deinit { if let context { xmlFreeParserCtxt(context) } }

  /// Parses the next chunk (the last when `last`); throws the first error.
  func feed(_ bytes: UnsafeRawBufferPointer, last: Bool = false) throws {
    if context == nil {
      // Errors raised outside a parser's context (a UTF-16 or UCS-4 part's
      // bad bytes, found by libxml2's own converters) go to this thread's
      // global handler, which would print them to standard error.
      xmlSetStructuredErrorFunc(nil) { _, _ in }
      // And some (`xmlParseChunk: encoder error`) go straight to the generic one.
      iq_quiet_libxml2()
      var sax = XMLStream.handler
      context = xmlCreatePushParserCtxt(&sax, Unmanaged.passUnretained(self).toOpaque(), nil, 0, nil)
      guard context != nil else { throw Diagnostic("out of memory reading \(workbook)", at: nil) }
      // The parts are UTF-8 (OOXML): an encoding the XML declaration names is not
      // looked up, so bytes that aren't UTF-8 are a parse error, not a conversion.
      xmlCtxtUseOptions(
        context, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_IGNORE_ENC.rawValue))
    }
    var offset = 0
    // libxml2 takes an Int32 length: big chunks go in pieces.
    repeat {
      let n = min(bytes.count - offset, 1 << 24)
      let base = bytes.baseAddress.map { $0.assumingMemoryBound(to: CChar.self) + offset }
      let done = last && offset + n == bytes.count
      let code = xmlParseChunk(context, base, Int32(n), done ? 1 : 0)
      try check(code)
      offset += n
    } while offset < bytes.count
  }

  /// Ends the part: anything left open is an error.
  func finish() throws {
    try feed(UnsafeRawBufferPointer(start: nil, count: 0), last: true)
  }

  private func check(_ code: Int32) throws {
    if sawDTD {
      throw Diagnostic(
        "\(workbook) is refused: its part \(part) has a document type declaration, which a workbook never has (it can declare entities that expand past any memory)",
        at: nil)
    }
    if let failure = events.failure { throw failure }
    if events.done { throw XMLStream.Finished() }
    if code != 0 {
      var detail = ""
      if let e = xmlCtxtGetLastError(context), let m = e.pointee.message {
        detail = " (line \(e.pointee.line): " + String(cString: m).trimmingCharacters(in: .whitespacesAndNewlines) + ")"
      }
      throw Diagnostic(
        "\(workbook) is damaged: its part \(part) is not well-formed XML\(detail)", at: nil,
        help: WorkbookError.repairHelp)
    }
  }

  fileprivate func stop() { xmlStopParser(context) }

  /// The SAX2 callbacks: each finds its stream from the context pointer.
  private static let handler: xmlSAXHandler = {
    var sax = xmlSAXHandler()
    sax.initialized = UInt32(XML_SAX2_MAGIC)
    sax.startElementNs = { ctx, name, _, _, _, _, count, _, attributes in
      let s = stream(ctx)
      s.events.start(XMLName(p: name!), XMLAttributes(p: attributes, count: Int(count)))
      if s.events.stopped { s.stop() }
    }
    sax.endElementNs = { ctx, name, _, _ in
      let s = stream(ctx)
      s.events.end(XMLName(p: name!))
      if s.events.stopped { s.stop() }
    }
    sax.characters = { ctx, p, n in stream(ctx).events.text(p!, Int(n)) }
    sax.ignorableWhitespace = sax.characters
    sax.cdataBlock = sax.characters
    sax.internalSubset = { ctx, _, _, _ in
      let s = stream(ctx)
      s.sawDTD = true
      s.stop()
    }
    sax.entityDecl = { ctx, _, _, _, _, _ in
      let s = stream(ctx)
      s.sawDTD = true
      s.stop()
    }
    // Errors are read from the context after each chunk, not printed.
    sax.serror = { _, _ in }
    return sax
  }()

  private static func stream(_ ctx: UnsafeMutableRawPointer?) -> XMLStream {
    Unmanaged<XMLStream>.fromOpaque(ctx!).takeUnretainedValue()
  }
}

/// A part's text run: the bytes of a `<t>` or `<v>`, gathered across
/// libxml2's calls, with Excel's `_xHHHH_` escapes read back.
struct TextBuffer {
  var bytes: [UInt8] = []
  /// Longer than any cell Excel allows (32,767 characters) by far.
  static let limit = 1 << 20

  mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    guard bytes.count + n <= TextBuffer.limit else { return false }
    bytes.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
    return true
  }

  /// The text, with `_x000D_` and the like as the characters they stand for.
  var string: String {
    let s = String(decoding: bytes, as: UTF8.self)
    return bytes.contains(95) ? TextBuffer.unescape(s) : s
  }

  /// OOXML writes characters XML can't hold as `_xHHHH_`, and a literal
  /// `_x` as `_x005F_x`.
  static func unescape(_ s: String) -> String {
    guard s.contains("_x") else { return s }
    var out = ""
    var chars = Substring(s)
    while let r = chars.range(of: "_x") {
      out += chars[..<r.lowerBound]
      let hex = chars[r.upperBound...].prefix(5)
      if hex.count == 5, hex.last == "_", let code = UInt32(hex.dropLast(), radix: 16),
        let scalar = Unicode.Scalar(code)
      {
        out.unicodeScalars.append(scalar)
        chars = chars[chars.index(r.upperBound, offsetBy: 5)...]
      } else {
        out += "_x"
        chars = chars[r.upperBound...]
      }
    }
    return out + chars
  }
}
