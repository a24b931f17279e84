import Foundation
import XCTest

@testable import IQCore
@testable import IQEngine

/// Random typed tables written the ways exports write them (LANGUAGE.md
/// §10) — thousands separators, parentheses, every `£` form, percentages,
/// UK date styles, null markers, a BOM, CRLF, `;` and tab, title rows,
/// notes under the table, blank lines — must read back as the same table:
/// the same names, types and values.
final class ExportRoundTripTests: XCTestCase {
  /// The kinds of column a table is made of, and what each reads back as.
  enum Kind: CaseIterable {
    case int, number, money, percent, date, month, text, code

    var type: DataType {
      switch self {
      case .int: return .int
      case .number, .percent: return .number
      case .money: return .money
      case .date, .month: return .date
      case .text, .code: return .text
      }
    }
  }

  /// How one export writes its values.
  struct Style {
    var delimiter: Character = ","
    var bom = false, crlf = false
    var thousands = false, parentheses = false, plus = false, spaces = false, quoteAll = false
    var moneyForm = 0, dateForm = 0, monthForm = 0
    var titles = 0, metadata = false, notes = 0, blanks = false
    var tabByName = false

    static func random(_ g: inout some RandomNumberGenerator) -> Style {
      var s = Style()
      s.delimiter = [",", ";", "\t", "|"].randomElement(using: &g)!
      s.tabByName = s.delimiter == "\t" && Bool.random(using: &g)
      (s.bom, s.crlf) = (Bool.random(using: &g), Bool.random(using: &g))
      (s.thousands, s.parentheses, s.plus) = (Bool.random(using: &g), Bool.random(using: &g), Bool.random(using: &g))
      (s.spaces, s.quoteAll) = (Bool.random(using: &g), Int.random(in: 0..<4, using: &g) == 0)
      s.moneyForm = Int.random(in: 0..<4, using: &g)
      s.dateForm = Int.random(in: 0..<10, using: &g)
      s.monthForm = Int.random(in: 0..<4, using: &g)
      s.titles = Int.random(in: 0...2, using: &g)
      s.metadata = Bool.random(using: &g)
      s.notes = Int.random(in: 0...2, using: &g)
      s.blanks = Bool.random(using: &g)
      return s
    }
  }

  static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
  static let longMonths = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
  ]
  static let words = ["Leeds", "York", "Kingston upon Hull", "a, b", "say \"hi\"", "St. Helens", "NHS; social care"]
  static let markers = CellText.nullMarkers + [""]

  /// `1234567` as `1,234,567` when the style groups thousands.
  static func digits(_ n: UInt64, _ s: Style) -> String {
    s.thousands ? groupThousands(String(n)) : String(n)
  }

  /// A negative written the style's way around `body` (`-…` or `(…)`).
  static func signed(_ negative: Bool, _ body: String, _ s: Style) -> String {
    negative ? (s.parentheses ? "(\(body))" : "-\(body)") : (s.plus ? "+\(body)" : body)
  }

  static func write(_ v: Value, _ kind: Kind, _ s: Style) -> String {
    switch (kind, v) {
    case (.int, .int(let n)):
      return signed(n < 0, digits(n.magnitude, s), s)
    case (.number, .int(let cents)):
      let m = cents.magnitude
      return signed(cents < 0, "\(digits(m / 100, s)).\(String(format: "%02d", m % 100))", s)
    case (.percent, .int(let tenths)):
      let m = tenths.magnitude
      return signed(tenths < 0, "\(m / 10).\(m % 10)%", s)
    case (.money, .money(let p)):
      let m = p.magnitude
      let amount = "\(digits(m / 100, s)).\(String(format: "%02d", m % 100))"
      guard p < 0 else { return "£" + amount }
      switch s.moneyForm {
      case 0: return "-£" + amount
      case 1: return "£-" + amount
      default: return "(£\(amount))"
      }
    case (.date, .date(let d)), (.month, .date(let d)):
      let (y, m, day) = Date.civil(d)
      if kind == .month {
        switch s.monthForm {
        case 0: return "\(months[m - 1])-\(String(format: "%02d", y % 100))"
        case 1: return "\(months[m - 1]) \(y)"
        case 2: return "\(longMonths[m - 1]) \(y)"
        default: return Date.iso(d)
        }
      }
      let dd = String(format: "%02d", day), mm = String(format: "%02d", m)
      switch s.dateForm {
      case 0: return "\(dd)/\(mm)/\(y)"
      case 1: return "\(day)/\(m)/\(y)"
      case 2: return "\(dd)-\(mm)-\(y)"
      case 3: return "\(day) \(months[m - 1]) \(y)"
      case 4: return "\(dd)-\(months[m - 1])-\(y)"
      case 5: return "\(day) \(longMonths[m - 1]) \(y)"
      case 6: return "\(Date.iso(d))T00:00:00"
      case 7: return "\(dd)/\(mm)/\(y) 00:00"
      case 8: return "\(dd)-\(months[m - 1])-\(String(format: "%02d", y % 100))"
      default: return Date.iso(d)
      }
    case (_, .text(let t)): return t
    default: return ""
    }
  }

  /// A field as the export writes it: quoted when it must be (or always);
  /// a value that is not text padded with spaces if the style pads (text
  /// keeps its spaces, as RFC 4180 says).
  static func field(_ text: String, _ kind: Kind?, _ s: Style) -> String {
    let pads = s.spaces && !text.isEmpty && kind != nil && kind!.type != .text
    let padded = pads ? " \(text) " : text
    let needs = text.contains(s.delimiter) || text.contains("\"") || text.contains("\n")
    return needs || (s.quoteAll && !text.isEmpty)
      ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : padded
  }

  /// A random value of `kind`, or nil for a null.
  static func value(_ kind: Kind, _ g: inout some RandomNumberGenerator) -> Value {
    switch kind {
    case .int: return .int(Int64.random(in: -5_000_000...5_000_000, using: &g))
    case .number: return .int(Int64.random(in: -900_000_000...900_000_000, using: &g))  // cents
    case .percent: return .int(Int64.random(in: -2000...2000, using: &g))  // tenths of a percent
    case .money: return .money(Int64.random(in: -90_000_000...90_000_000, using: &g))
    case .date: return .date(Int32.random(in: 10_957...21_914, using: &g))  // 2000 to 2029
    case .month:
      let (y, m) = (Int.random(in: 2000...2029, using: &g), Int.random(in: 1...12, using: &g))
      return .date(Date.days(year: y, month: m, day: 1))
    case .text: return .text(words.randomElement(using: &g)!)
    case .code: return .text("0" + String(Int.random(in: 1...99_999, using: &g)))
    }
  }

  /// The value read back for a written one.
  static func expected(_ v: Value, _ kind: Kind) -> Value {
    switch (kind, v) {
    case (.number, .int(let cents)): return .number(Double(cents.magnitude) / 100 * (cents < 0 ? -1 : 1))
    case (.percent, .int(let tenths)): return .number(Double(tenths.magnitude) / 1000 * (tenths < 0 ? -1 : 1))
    default: return v
    }
  }

  struct Case {
    var bytes: [UInt8]
    var names: [String]
    var kinds: [Kind]
    var rows: [[Value]]
    var style: Style
  }

  /// A random table and its export.
  static func makeCase(_ g: inout some RandomNumberGenerator) -> Case {
    let s = Style.random(&g)
    let kinds = (0..<Int.random(in: 3...8, using: &g)).map { _ in Kind.allCases.randomElement(using: &g)! }
    let names = kinds.indices.map { "c\($0)_\(kinds[$0])" }
    var rows: [[Value]] = []
    var lines: [String] = []
    let d = String(s.delimiter)
    for k in 0..<s.titles { lines.append(k == 0 ? "Delayed transfers of care" : "Published by NHS England") }
    if s.metadata { lines.append("Period:" + d + "April 2015") }
    if s.titles + (s.metadata ? 1 : 0) > 0 { lines.append("") }
    lines.append(names.joined(separator: d))
    for r in 0..<Int.random(in: 1...40, using: &g) {
      var row = kinds.map { value($0, &g) }
      var written = zip(row, kinds).map { write($0, $1, s) }
      // Nulls, but never in the first row (each column shows its type),
      // and at least two filled cells a row (one alone could be a note).
      if r > 0 {
        for c in kinds.indices where Int.random(in: 0..<5, using: &g) == 0 {
          row[c] = .null
          written[c] = markers.randomElement(using: &g)!
        }
        if written.filter({ !$0.isEmpty }).count < 2 {
          for c in 0..<2 {
            row[c] = value(kinds[c], &g)
            written[c] = write(row[c], kinds[c], s)
          }
        }
      }
      if s.blanks && Int.random(in: 0..<6, using: &g) == 0 {
        lines.append(Bool.random(using: &g) ? "" : String(repeating: d, count: kinds.count - 1))
      }
      lines.append(zip(written, kinds).map { field($0, $1, s) }.joined(separator: d))
      rows.append(zip(row, kinds).map { expected($0, $1) })
    }
    if s.notes > 0 {
      lines.append("")
      lines.append("Source: NHS England" + String(repeating: d, count: kinds.count - 1))
      if s.notes > 1 { lines.append(field("Note: figures are provisional\(d) and may change", nil, s)) }
    }
    let text = lines.joined(separator: s.crlf ? "\r\n" : "\n") + (s.crlf ? "\r\n" : "\n")
    return Case(
      bytes: (s.bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8), names: names, kinds: kinds, rows: rows, style: s)
  }

  /// The table read from `c`, compared with the one written.
  static func check(_ c: Case, _ read: FileRead) -> String? {
    let t = read.table
    if t.fields.map(\.name) != c.names { return "names \(t.fields.map(\.name)) != \(c.names)" }
    for (i, k) in c.kinds.enumerated() where t.fields[i].type != k.type {
      return "\(c.names[i]) read as \(t.fields[i].type), written as \(k.type)"
    }
    if t.rowCount != c.rows.count { return "\(t.rowCount) rows read, \(c.rows.count) written" }
    for r in 0..<t.rowCount {
      for col in c.kinds.indices where t.columns[col][r] != c.rows[r][col] {
        return "row \(r + 1), \(c.names[col]): read \(t.columns[col][r]), written \(c.rows[r][col])"
      }
    }
    if (c.style.notes > 0) != !read.warnings.isEmpty { return "notes: \(read.warnings.map(\.message))" }
    return nil
  }

  func testExportsReadBackAsTheTablesWritten() throws {
    var g = SystemRandomNumberGenerator()
    let cases = 600
    for trial in 0..<cases {
      let c = Self.makeCase(&g)
      let text = String(decoding: c.bytes, as: UTF8.self)
      let read = try CSVReader.parse(
        c.bytes, name: c.style.tabByName ? "t.tsv" : "t.csv", tab: c.style.tabByName, cancellation: Cancellation())
      if let problem = Self.check(c, read) {
        return XCTFail("trial \(trial): \(problem)\n\(text)")
      }
    }
  }

  /// The same through the file reader in small blocks, which both cores
  /// take in turn, quotes and all.
  func testExportsReadBackInBlocks() throws {
    var g = SystemRandomNumberGenerator()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iq-roundtrip-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for trial in 0..<200 {
      var c = Self.makeCase(&g)
      // Long enough for several blocks of 512 bytes.
      while c.rows.count < 30 { c = Self.makeCase(&g) }
      let path = dir.appendingPathComponent(c.style.tabByName ? "t.tsv" : "t.csv").path
      FileManager.default.createFile(atPath: path, contents: Data(c.bytes))
      let read = try CSVReader.read(
        path: path, columns: nil, mapAbove: 0, blockSize: 512, cancellation: Cancellation())
      if let problem = Self.check(c, read) {
        return XCTFail("trial \(trial): \(problem)\n\(String(decoding: c.bytes, as: UTF8.self))")
      }
    }
  }
}
