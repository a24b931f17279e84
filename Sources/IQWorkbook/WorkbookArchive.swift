import Foundation
import IQCore
import ZIPFoundation

/// Messages for workbooks that can't be read, each saying what to do.
enum WorkbookError {
  static let repairHelp = "open it in Excel (it offers to repair it) and save it again as .xlsx"

  /// A file whose first bytes say it is not a zip: a password-protected
  /// workbook (an OLE file holding `EncryptionInfo`), an Excel 97–2003
  /// workbook, or not a workbook at all.
  static func refuseUnlessZip(_ bytes: [UInt8], name: String) throws {
    if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return }
    if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
      // The stream an encrypted workbook keeps its key in, named in UTF-16.
      var marker: [UInt8] = []
      for u in "EncryptionInfo".utf16 { marker += [UInt8(u), 0] }
      let encrypted =
        bytes.count >= marker.count
        && (0...(bytes.count - marker.count)).contains { i in
          bytes[i] == 0x45 && bytes[i..<(i + marker.count)].elementsEqual(marker)
        }
      if encrypted {
        throw Diagnostic(
          "\(name) is password-protected: Excel encrypts such a workbook, and iq can't read it", at: nil,
          help: "in Excel: File › Info › Protect Workbook › Encrypt with Password, clear the password, and save")
      }
      throw Diagnostic(
        "\(name) is an Excel 97–2003 workbook (.xls) named .xlsx, which iq doesn't read", at: nil,
        help: "in Excel: File › Save As › Excel Workbook (.xlsx)")
    }
    throw Diagnostic(
      "\(name) is not an Excel workbook: an .xlsx file is a zip archive, and this one isn't", at: nil,
      help: "if it is a CSV file, name it .csv")
  }
}

/// A workbook's zip container: its parts by name, each streamed through a
/// parser as it inflates, with limits on how far a part may inflate.
final class WorkbookArchive {
  let archive: Archive
  /// The path as the user wrote it, for messages.
  let name: String
  let cancellation: Cancellation
  /// Part names in lower case, for producers that differ from their own
  /// relationships in case (OPC part names are case-insensitive).
  private let folded: [String: String]
  /// The file's size: no part can be longer zipped.
  private let fileSize: UInt64

  /// A part may inflate to this, or to `ratio` times its compressed size
  /// if that is more: a real sheet compresses 5 to 30 times; a zip bomb a
  /// thousand.
  static let inflateFloor: Int64 = 256 << 20
  static let ratio: Int64 = 200
  /// Whatever the ratio, no part may inflate past this.
  static let inflateCeiling: Int64 = 16 << 30

  init(file: String, name: String, cancellation: Cancellation) throws {
    self.name = name
    self.cancellation = cancellation
    guard let handle = FileHandle(forReadingAtPath: file) else {
      throw Diagnostic("can't read \(name): permission denied or unreadable", at: nil)
    }
    let head = [UInt8](handle.readData(ofLength: 1 << 20))
    fileSize = (try? handle.seekToEnd()) ?? 0
    try? handle.close()
    try WorkbookError.refuseUnlessZip(head, name: name)
    do {
      archive = try Archive(url: URL(fileURLWithPath: file), accessMode: .read)
    } catch {
      throw Diagnostic(
        "\(name) is a damaged zip archive (its table of contents can't be read)", at: nil,
        help: WorkbookError.repairHelp)
    }
    var folded: [String: String] = [:]
    for entry in archive { folded[entry.path.lowercased()] = entry.path }
    self.folded = folded
  }

  /// Part names are written without a leading `/`.
  func entry(_ part: String) -> Entry? {
    let p = part.hasPrefix("/") ? String(part.dropFirst()) : part
    return archive[p] ?? folded[p.lowercased()].flatMap { archive[$0] }
  }

  func has(_ part: String) -> Bool { entry(part) != nil }

  func missing(_ part: String) -> Diagnostic {
    Diagnostic("\(name) is damaged: its part \(part) is missing", at: nil, help: WorkbookError.repairHelp)
  }

  /// Streams a part through `events`, chunk by chunk as it inflates.
  func parse(_ part: String, _ events: XMLEvents) throws {
    guard let entry = entry(part) else { throw missing(part) }
    let stream = XMLStream(events, part: part, workbook: name)
    let feed: (Data) throws -> Void = { data in try data.withUnsafeBytes { try stream.feed($0) } }
    do {
      // A big part inflates on a second thread while this one parses.
      if entry.compressedSize >= WorkbookArchive.pipelineFrom {
        try pipelined(entry, part: part, feed)
      } else {
        try inflate(entry, part: part, feed)
      }
      try stream.finish()
    } catch is XMLStream.Finished {}
  }

  /// Parts this big (compressed) are inflated and parsed at once, on two threads.
  static let pipelineFrom = 1 << 20

  /// Inflates `entry` on a thread of its own, a few chunks ahead of `body`.
  private func pipelined(_ entry: Entry, part: String, _ body: (Data) throws -> Void) throws {
    let chunks = Chunks()
    let inflater = Thread { [self] in
      do {
        try inflate(entry, part: part) { data in try chunks.put(data) }
        chunks.close(nil)
      } catch {
        chunks.close(error)
      }
    }
    inflater.start()
    // However the parse ends, the inflater is stopped and waited for.
    defer { chunks.stopAndWait() }
    while let data = try chunks.take() { try body(data) }
  }

  /// A part's bytes, for the small ones a writer copies or edits.
  func bytes(_ part: String) throws -> [UInt8] {
    guard let entry = entry(part) else { throw missing(part) }
    var out: [UInt8] = []
    try inflate(entry, part: part) { out.append(contentsOf: $0) }
    return out
  }

  private func inflate(_ entry: Entry, part: String, _ body: (Data) throws -> Void) throws {
    guard entry.compressedSize <= fileSize else {
      throw Diagnostic(
        "\(name) is damaged: its part \(part) claims more bytes than the file holds", at: nil,
        help: WorkbookError.repairHelp)
    }
    // A damaged directory can claim any size (ZIP64 sizes run to 2^64): clamped, never trapped on.
    let compressed = Int64(clamping: entry.compressedSize)
    let (scaled, overflow) = compressed.multipliedReportingOverflow(by: WorkbookArchive.ratio)
    let limit = min(WorkbookArchive.inflateCeiling, max(WorkbookArchive.inflateFloor, overflow ? .max : scaled))

    let bomb = Diagnostic(
      "\(name) is refused: its part \(part) inflates past \(groupThousands(String(limit >> 20))) MB from \(groupThousands(String(entry.compressedSize))) bytes, as a zip bomb does",
      at: nil)
    if Int64(clamping: entry.uncompressedSize) > limit { throw bomb }
    var total: Int64 = 0
    do {
      _ = try archive.extract(entry, bufferSize: 1 << 20, skipCRC32: false) { data in
        try self.cancellation.check()
        total += Int64(data.count)
        if total > limit { throw bomb }
        try body(data)
      }
    } catch let d as Diagnostic {
      throw d
    } catch let f as XMLStream.Finished {
      throw f
    } catch let stop as Chunks.Stopped {
      throw stop
    } catch {
      throw Diagnostic(
        "\(name) is damaged: its part \(part) can't be unpacked (\(Self.describe(error)))", at: nil,
        help: WorkbookError.repairHelp)
    }
  }

  static func describe(_ error: Error) -> String {
    switch error {
    case Archive.ArchiveError.invalidCRC32: return "its checksum is wrong"
    case Archive.ArchiveError.invalidCompressionMethod: return "an unknown compression method"
    case Archive.ArchiveError.cancelledOperation: return "cancelled"
    default: return "corrupt data"
    }
  }
}

/// Inflated chunks on their way from the inflating thread to the parsing
/// one: at most `capacity` wait, so a part is never held whole.
final class Chunks: @unchecked Sendable {
  private let condition = NSCondition()
  private var items: [Data] = []
  private var closed = false, stopped = false
  private var error: Error?
  static let capacity = 4

  /// Thrown to the inflater when the parse has ended.
  struct Stopped: Error {}

  func put(_ data: Data) throws {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= Chunks.capacity && !stopped { condition.wait() }
    if stopped { throw Stopped() }
    items.append(data)
    condition.broadcast()
  }

  /// The inflater is done, with the error it met if any.
  func close(_ error: Error?) {
    condition.lock()
    self.error = error
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  /// The next chunk; nil at the end; the inflater's error when it has one.
  func take() throws -> Data? {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !closed { condition.wait() }
    if !items.isEmpty {
      condition.broadcast()
      return items.removeFirst()
    }
    if let error { throw error }
    return nil
  }

  func stopAndWait() {
    condition.lock()
    stopped = true
    condition.broadcast()
    while !closed { condition.wait() }
    condition.unlock()
  }
}
