import Foundation
import IQCore
import ZIPFoundation

/// `[Content_Types].xml`: each part's type, by extension or by name.
final class ContentTypesPart: XMLEvents {
  var defaults: [(String, String)] = []
  var overrides: [(String, String)] = []

  override func start(_ name: XMLName, _ a: XMLAttributes) {
    if name.is("Default"), let e = a.string("Extension"), let t = a.string("ContentType") {
      defaults.append((e, t))
    } else if name.is("Override"), let p = a.string("PartName"), let t = a.string("ContentType") {
      overrides.append((p, t))
    }
  }

  var xml: String {
    var x = XMLBytes()
    x.raw(WorkbookWriter.header)
    x.raw("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">")
    for (e, t) in defaults {
      x.raw("<Default Extension=\"")
      x.text(e)
      x.raw("\" ContentType=\"")
      x.text(t)
      x.raw("\"/>")
    }
    for (p, t) in overrides {
      x.raw("<Override PartName=\"")
      x.text(p)
      x.raw("\" ContentType=\"")
      x.text(t)
      x.raw("\"/>")
    }
    x.raw("</Types>")
    return String(decoding: x.bytes, as: UTF8.self)
  }
}

extension WorkbookWriter {
  /// A copy of `existing` with the sheet `sheet` added (at the end) or
  /// replaced (in its place, under its name). Parts iq doesn't change are
  /// copied byte for byte; the calculation chain is left out (Excel
  /// rebuilds it, and a stale one names cells that are gone).
  static func update(
    _ existing: String, out: Archive, table t: Table, sheet: String, name: String, cancellation: Cancellation
  ) throws {
    let book: Book
    do {
      book = try Book(file: existing, name: name, cancellation: cancellation)
    } catch let d as Diagnostic {
      throw Diagnostic(
        "can't add the sheet \"\(sheet)\" to \(name): \(d.message)", at: nil,
        help: "save to a new file, or without a sheet to replace \(name) whole")
    }
    let archive = book.archive
    let replaced = book.sheets.first { $0.name.lowercased() == sheet.lowercased() }
    var dropped: Set<String> = []
    // The new sheet's part, under a name no part has.
    var k = book.sheets.count + 1
    while archive.has("xl/worksheets/sheet\(k).xml") { k += 1 }
    let sheetPart = "xl/worksheets/sheet\(k).xml"
    let ids = Set(book.links.map(\.id))
    var n = book.links.count + 1
    while ids.contains("rId\(n)") { n += 1 }
    let sheetID = replaced?.relationship ?? "rId\(n)"

    // The workbook's relationships: the sheet's pointed at the new part, calcChain gone.
    var links = book.links
    if let replaced, let i = links.firstIndex(where: { $0.id == replaced.relationship }) {
      let old = Relationships.resolve(links[i].target, from: book.workbookPart)
      dropped.insert(old)
      dropped.insert(Relationships.partFor(old))
      links[i].target = "/" + sheetPart
    } else {
      links.append(Relationships.Link(id: sheetID, target: "/" + sheetPart, type: worksheetType, external: false))
    }
    for l in links where l.type.hasSuffix("/calcChain") {
      dropped.insert(Relationships.resolve(l.target, from: book.workbookPart))
    }
    links.removeAll { $0.type.hasSuffix("/calcChain") }

    // Styles: iq's bold font, formats and cell styles appended to the workbook's own.
    var styles = SheetWriter.Styles(header: 1, money: 2, date: 3)
    var stylesXML: String?
    let stylesPart = book.linked("/styles")
    if let stylesPart, archive.has(stylesPart) {
      let counts = StylesPart()
      try archive.parse(stylesPart, counts)
      let text = String(decoding: try archive.bytes(stylesPart), as: UTF8.self)
      let (edited, first) = try appendStyles(text, counts, name: name, part: stylesPart)
      stylesXML = edited
      styles = SheetWriter.Styles(header: first, money: first + 1, date: first + 2)
    } else {
      var m = n + 1
      while ids.contains("rId\(m)") { m += 1 }
      links.append(
        Relationships.Link(id: "rId\(m)", target: "styles.xml", type: relationships + "/styles", external: false))
    }

    // The workbook part: a new sheet listed after the others.
    var workbookXML: String?
    if replaced == nil {
      let text = String(decoding: try archive.bytes(book.workbookPart), as: UTF8.self)
      guard let edited = addSheet(text, name: sheet, id: (book.sheetIDs.max() ?? 0) + 1, relationship: sheetID) else {
        throw Diagnostic("can't add a sheet to \(name): its workbook part has no list of sheets", at: nil)
      }
      workbookXML = edited
    }

    let types = ContentTypesPart()
    try archive.parse("[Content_Types].xml", types)
    types.overrides.removeAll { dropped.contains(String($0.0.drop { $0 == "/" })) }
    types.overrides.append(("/" + sheetPart, worksheetContent))
    if stylesXML == nil {
      types.overrides.append(("/" + Relationships.resolve("styles.xml", from: book.workbookPart), stylesContent))
    }

    let relsPart = Relationships.partFor(book.workbookPart)
    for entry in archive.archive where entry.type == .file {
      try cancellation.check()
      let path = entry.path
      if dropped.contains(path) { continue }
      switch path {
      case "[Content_Types].xml": try add(out, path, types.xml)
      case relsPart: try add(out, path, relationshipsXML(links))
      case book.workbookPart where workbookXML != nil: try add(out, path, workbookXML!)
      case stylesPart where stylesXML != nil: try add(out, path, stylesXML!)
      default: try add(out, path, try archive.bytes(path))
      }
    }
    if !archive.has(relsPart) { try add(out, relsPart, relationshipsXML(links)) }
    if stylesXML == nil {
      try add(out, Relationships.resolve("styles.xml", from: book.workbookPart), header + newStyles)
    }
    try add(out, sheetPart, try SheetWriter.sheet(t, styles: styles, selected: false, cancellation: cancellation))
  }

  static func relationshipsXML(_ links: [Relationships.Link]) -> String {
    var x = XMLBytes()
    x.raw(header)
    x.raw("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">")
    for l in links {
      x.raw("<Relationship Id=\"")
      x.text(l.id)
      x.raw("\" Type=\"")
      x.text(l.type)
      x.raw("\" Target=\"")
      x.text(l.target)
      x.raw(l.external ? "\" TargetMode=\"External\"/>" : "\"/>")
    }
    x.raw("</Relationships>")
    return String(decoding: x.bytes, as: UTF8.self)
  }

  /// `text` (a workbook part) with a `<sheet>` added at the end of its list.
  static func addSheet(_ text: String, name: String, id: Int, relationship: String) -> String? {
    guard let close = text.range(of: #"</([A-Za-z0-9_]+:)?sheets>"#, options: .regularExpression) else { return nil }
    let prefix = String(text[close].dropFirst(2).dropLast("sheets>".count))
    // The prefix the workbook gives the relationships namespace, if any.
    var rel = "r:"
    var declare = ""
    if let m = text.range(
      of: #"xmlns:([A-Za-z0-9_]+)="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#,
      options: .regularExpression)
    {
      rel = String(text[m].dropFirst("xmlns:".count).prefix { $0 != "=" }) + ":"
    } else {
      rel = "iqr:"
      declare = " xmlns:iqr=\"\(relationships)\""
    }
    var x = XMLBytes()
    x.raw("<\(prefix)sheet name=\"")
    x.text(name)
    x.raw("\" sheetId=\"\(id)\"\(declare) \(rel)id=\"\(relationship)\"/>")
    return text.replacingCharacters(
      in: close.lowerBound..<close.lowerBound, with: String(decoding: x.bytes, as: UTF8.self))
  }

  /// `text` (a styles part) with iq's bold font, number formats and three
  /// cell styles appended; and the index of the first of those styles.
  static func appendStyles(_ text: String, _ counts: StylesPart, name: String, part: String) throws -> (String, Int) {
    var s = text
    func closing(_ element: String) -> Range<String.Index>? {
      s.range(of: "</([A-Za-z0-9_]+:)?\(element)>", options: .regularExpression)
    }
    func prefix(_ r: Range<String.Index>, _ element: String) -> String {
      String(s[r].dropFirst(2).dropLast(element.count + 1))
    }
    /// Adds `inner` before `</element>` and raises its count by `added`.
    func append(_ element: String, _ inner: (String) -> String, added: Int, total: Int) -> Bool {
      guard let close = closing(element) else { return false }
      let p = prefix(close, element)
      s.replaceSubrange(close.lowerBound..<close.lowerBound, with: inner(p))
      if let open = s.range(of: "<\(p)\(element)[ >]", options: .regularExpression),
        let tagEnd = s[open.upperBound...].firstIndex(of: ">"),
        let count = s.range(of: #"count="[0-9]*""#, options: .regularExpression, range: open.lowerBound..<tagEnd)
      {
        s.replaceSubrange(count, with: "count=\"\(total + added)\"")
      }
      return true
    }
    let damaged = Diagnostic(
      "can't add a sheet to \(name): its styles (\(part)) have no fonts or cell styles", at: nil,
      help: WorkbookError.repairHelp)
    let format = counts.highestFormat + 1
    guard append("fonts", { p in prefixed(boldFont, p) }, added: 1, total: counts.fonts),
      append(
        "cellXfs", { p in prefixed(cellStyles(font: counts.fonts, formats: format), p) }, added: 3,
        total: counts.cellStyles)
    else { throw damaged }
    if !append("numFmts", { p in prefixed(numberFormats(format), p) }, added: 2, total: counts.formats) {
      // No formats of its own: the list goes first in the part.
      guard let root = s.range(of: "<([A-Za-z0-9_]+:)?styleSheet[^>]*>", options: .regularExpression) else {
        throw damaged
      }
      let p = String(s[root].dropFirst().prefix { $0 != ">" && $0 != " " }.dropLast("styleSheet".count))
      s.replaceSubrange(
        root.upperBound..<root.upperBound, with: prefixed("<numFmts count=\"2\">\(numberFormats(format))</numFmts>", p))
    }
    return (s, counts.cellStyles)
  }

  /// XML written without a prefix, with `p` (`x:`) on every element.
  static func prefixed(_ xml: String, _ p: String) -> String {
    p.isEmpty
      ? xml
      : xml.replacingOccurrences(of: "</", with: "\u{1}").replacingOccurrences(of: "<", with: "<\(p)")
        .replacingOccurrences(of: "\u{1}", with: "</\(p)")
  }
}
