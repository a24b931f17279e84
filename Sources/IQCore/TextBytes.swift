/// Checks on raw bytes that scripts and CSV files share: is it UTF-8 text,
/// and where does a byte stand, said as a line and column.
public enum TextBytes {
  /// Where the first byte that is not UTF-8 stands, said in words. Only
  /// the name is needed: the file's text is not made for this message.
  package static func notUTF8(
    _ p: UnsafeBufferPointer<UInt8>, _ bad: Int, name: String,
    help: String = "save the file as UTF-8 (in Excel: CSV UTF-8)"
  ) -> Diagnostic {
    let (line, col) = position(p, bad)
    return Diagnostic(
      "\(name) is not UTF-8: byte 0x\(String(p[bad], radix: 16, uppercase: true)) at line \(line), column \(col)",
      at: nil, help: help)
  }

  package static func nulByte(_ p: UnsafeBufferPointer<UInt8>, _ at: Int, name: String) -> Diagnostic {
    let (line, col) = position(p, at)
    return Diagnostic("\(name) has a NUL byte at line \(line), column \(col): it is not a text file", at: nil)
  }

  /// Where the first byte that is not UTF-8 stands, if any.
  package static func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    var i = range.lowerBound
    let end = range.upperBound
    let raw = UnsafeRawBufferPointer(b)
    while i < end {
      // Eight ASCII bytes at a time: most CSV is ASCII.
      if i + 8 <= end {
        let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        if word & 0x8080_8080_8080_8080 == 0 {
          i += 8
          continue
        }
      }
      let c = b[i]
      let len: Int
      if c < 0x80 {
        len = 1
      } else if c & 0xE0 == 0xC0 && c >= 0xC2 {
        len = 2
      } else if c & 0xF0 == 0xE0 {
        len = 3
      } else if c & 0xF8 == 0xF0 && c <= 0xF4 {
        len = 4
      } else {
        return i
      }
      if i + len > end { return i }
      for k in 1..<len where b[i + k] & 0xC0 != 0x80 { return i }
      if len == 3 {
        let cp = (UInt32(c & 0x0F) << 12) | (UInt32(b[i + 1] & 0x3F) << 6)
        if cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) { return i }
      }
      if len == 4 {
        let cp = (UInt32(c & 0x07) << 18) | (UInt32(b[i + 1] & 0x3F) << 12)
        if cp < 0x10000 || cp > 0x10FFFF { return i }
      }
      i += len
    }
    return nil
  }

  static func position(_ b: UnsafeBufferPointer<UInt8>, _ offset: Int) -> (Int, Int) {
    var line = 1
    var lineStart = 0
    for i in 0..<offset where b[i] == 10 {
      line += 1
      lineStart = i + 1
    }
    var col = 1
    var i = lineStart
    while i < offset {
      if b[i] & 0xC0 != 0x80 { col += 1 }
      i += 1
    }
    return (line, col)
  }
}
