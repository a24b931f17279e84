import Foundation
import IQCore

/// A relationship part (`_rels/….rels`): ids to targets and their types.
final class Relationships: XMLEvents {
  struct Link {
    var id: String
    var target: String
    var type: String
    var external: Bool
  }
  var links: [Link] = []

  override func start(_ name: XMLName, _ a: XMLAttributes) {
    guard name.is("Relationship"), let id = a.string("Id"), let target = a.string("Target") else { return }
    links.append(
      Link(id: id, target: target, type: a.string("Type") ?? "", external: a.string("TargetMode") == "External"))
  }

  /// The part a relationship of `part` points at, as a path in the zip.
  static func resolve(_ target: String, from part: String) -> String {
    if target.hasPrefix("/") { return String(target.dropFirst()) }
    var dir = part.split(separator: "/").dropLast().map(String.init)
    for piece in target.split(separator: "/") {
      if piece == ".." {
        _ = dir.popLast()
      } else if piece != "." {
        dir.append(String(piece))
      }
    }
    return dir.joined(separator: "/")
  }

  /// The relationship part that belongs to `part`: `xl/_rels/workbook.xml.rels`.
  static func partFor(_ part: String) -> String {
    let pieces = part.split(separator: "/").map(String.init)
    return (pieces.dropLast() + ["_rels", (pieces.last ?? "") + ".rels"]).joined(separator: "/")
  }
}

/// `xl/workbook.xml`: the sheets in order, and the date system.
final class WorkbookPart: XMLEvents {
  struct Sheet {
    var name: String
    var relationship: String
    var hidden: Bool
  }
  var sheets: [Sheet] = []
  var sheetIDs: [Int] = []
  /// Serial 0 is 1904-01-01 (old Mac workbooks), not 1899-12-30.
  var date1904 = false

  override func start(_ name: XMLName, _ a: XMLAttributes) {
    if name.is("sheet"), let n = a.string("name"), let id = a.string("id") {
      sheets.append(Sheet(name: n, relationship: id, hidden: (a.string("state") ?? "visible") != "visible"))
      sheetIDs.append(a.int("sheetId") ?? 0)
    } else if name.is("workbookPr"), let v = a.string("date1904") {
      date1904 = v == "1" || v.lowercased() == "true"
    }
  }
}

/// How a cell's number format says to read its number.
enum NumberKind: UInt8 {
  case plain = 0, date, money
}

/// `xl/styles.xml`: for each cell style (an `s="…"` index), what its number
/// format makes of a number (the reader); and how many fonts, formats and
/// cell styles there are, what iq's own are numbered after when it adds a
/// sheet (the writer).
final class StylesPart: XMLEvents {
  private var codes: [Int: String] = [:]
  /// Each cell style's number format, by the style's index.
  private var formatIDs: [Int] = []
  private(set) var fonts = 0, formats = 0, highestFormat = 163
  private var inFonts = false, inFormats = false, inCellXfs = false

  /// The cell styles (`cellXfs`), so the first one iq appends is this.
  var cellStyles: Int { formatIDs.count }

  override func start(_ name: XMLName, _ a: XMLAttributes) {
    if name.is("numFmt"), let id = a.int("numFmtId") {
      if let code = a.string("formatCode") { codes[id] = code }
      // Conditional formats (dxfs) have numbers too: none may be reused,
      // but only the list's own are counted in it.
      if inFormats { formats += 1 }
      highestFormat = max(highestFormat, id)
    } else if name.is("fonts") {
      inFonts = true
    } else if name.is("numFmts") {
      inFormats = true
    } else if name.is("cellXfs") {
      inCellXfs = true
    } else if inFonts && name.is("font") {
      fonts += 1
    } else if inCellXfs && name.is("xf") {
      formatIDs.append(a.int("numFmtId") ?? 0)
    }
  }

  override func end(_ name: XMLName) {
    if name.is("fonts") {
      inFonts = false
    } else if name.is("numFmts") {
      inFormats = false
    } else if name.is("cellXfs") {
      inCellXfs = false
    }
  }

  /// Each style's kind, by its index.
  var kinds: [NumberKind] {
    formatIDs.map { id in
      if let code = codes[id] { return StylesPart.kind(of: code) }
      return StylesPart.builtInDates.contains(id) ? .date : .plain
    }
  }

  /// Excel's built-in formats that show a date (14–17, 22; 27–36 and 50–58 in East Asian locales).
  static let builtInDates: Set<Int> = Set([14, 15, 16, 17, 22] + Array(27...36) + Array(50...58))

  /// A code with a `£` is money; one with a day, month name or year is a
  /// date (`h:mm` alone is a time, read as a number).
  static func kind(of code: String) -> NumberKind {
    if code.contains("£") { return .money }
    guard ExcelFormat.isDateCode(code) else { return .plain }
    let plain = code.replacingOccurrences(of: #"\[[^\]]*\]|"[^"]*""#, with: "", options: .regularExpression)
      .lowercased()
    return plain.contains("d") || plain.contains("y") ? .date : .plain
  }
}

/// `xl/sharedStrings.xml`: the text cells point into this list.
final class SharedStringsPart: XMLEvents {
  var strings: [String] = []
  private var buffer = TextBuffer()
  private var inItem = false, inText = false, inPhonetic = false

  override func start(_ name: XMLName, _ a: XMLAttributes) {
    if name.is("si") {
      inItem = true
      buffer.bytes.removeAll(keepingCapacity: true)
    } else if name.is("t") {
      inText = inItem && !inPhonetic
    } else if name.is("rPh") {
      inPhonetic = true
    }
  }

  override func end(_ name: XMLName) {
    if name.is("si") {
      strings.append(buffer.string)
      inItem = false
    } else if name.is("t") {
      inText = false
    } else if name.is("rPh") {
      inPhonetic = false
    }
  }

  override func text(_ p: UnsafePointer<UInt8>, _ n: Int) {
    if inText && !buffer.append(p, n) {
      failure = Diagnostic("a shared string is longer than a workbook cell can hold", at: nil)
    }
  }
}
