import Foundation
import IQCore

/// Limits for table mode: rows and width that fit where the table is shown.
public struct TableLimits: Sendable {
  public var maxRows: Int?
  public var maxWidth: Int?
  /// Said after the count in the footer when rows are cut, e.g. in the shell.
  public var footerHint: String?
  public var palette: Palette = .plain
  /// Warnings the query gave, counted in the footer when there is one.
  public var warnings = 0

  public init(maxRows: Int? = 40, maxWidth: Int? = nil, footerHint: String? = nil, palette: Palette = .plain) {
    self.maxRows = maxRows
    self.maxWidth = maxWidth
    self.footerHint = footerHint
    self.palette = palette
  }

  public static let unlimited = TableLimits(maxRows: nil)
}

public enum Output {
  /// The table as text; a Ctrl-C while a large one is written out stops it.
  public static func render(
    _ t: Table, as format: OutputFormat, limits: TableLimits = TableLimits(), cancellation: Cancellation
  ) throws
    -> String
  {
    switch format {
    case .table: return try table(t, limits: limits, cancellation: cancellation)
    case .csv: return try delimited(t, separator: ",", cancellation: cancellation)
    case .tsv: return try delimited(t, separator: "\t", cancellation: cancellation)
    case .json: return try json(t, cancellation: cancellation)
    case .markdown: return try markdown(t, cancellation: cancellation)
    }
  }

  // MARK: - Plain values (csv, tsv, json)

  /// csv and tsv, quoted as RFC 4180 says (as Excel writes both): a field
  /// holding the separator, a quote or a line break is quoted, with its
  /// quotes doubled. A row whose fields are all empty starts with `""`, since
  /// a line of bare separators is blank and readers skip it.
  static func delimited(_ t: Table, separator: Character, cancellation: Cancellation) throws -> String {
    func field(_ s: String) -> String {
      if s.contains(where: { $0 == separator || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      }
      return s
    }
    var out = t.fields.map { field($0.name) }.joined(separator: String(separator)) + "\n"
    for r in 0..<t.rowCount {
      try cancellation.poll(r)
      let fields = t.columns.map { field($0[r].plainText) }
      out +=
        fields.allSatisfy(\.isEmpty)
        ? "\"\"" + String(repeating: separator, count: max(0, fields.count - 1))
        : fields.joined(separator: String(separator))
      out += "\n"
    }
    return out
  }

  static func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
      default: out.unicodeScalars.append(u)
      }
    }
    return out + "\""
  }

  /// One array of objects on one line, so that a script of several
  /// results prints one JSON document per line (JSON Lines).
  static func json(_ t: Table, cancellation: Cancellation) throws -> String {
    if t.rowCount == 0 { return "[]\n" }
    let keys = t.fields.map { jsonString($0.name) }
    var rows: [String] = []
    for r in 0..<t.rowCount {
      try cancellation.poll(r)
      let pairs = t.columns.enumerated().map { (c, col) -> String in
        let v = col[r]
        let text: String
        switch v {
        case .null: text = "null"
        case .text, .date: text = jsonString(v.plainText)
        case .number(let x) where !x.isFinite: text = "null"
        default: text = v.plainText
        }
        return "\(keys[c]):\(text)"
      }
      rows.append("{" + pairs.joined(separator: ",") + "}")
    }
    return "[" + rows.joined(separator: ",") + "]\n"
  }

  // MARK: - Display values (table, markdown)

  /// Cells as a person reads them: thousands separators, `£`, `null`,
  /// numbers at a readable precision, years without a separator.
  static func displayColumn(_ c: Column, rows: Range<Int>) -> [String] {
    // Without a poll, nothing throws.
    (try? displayColumn(c, field: Field("", c.type), rows: rows, cancellation: nil)) ?? []
  }

  static func displayColumn(_ c: Column, field: Field, rows: Range<Int>, cancellation: Cancellation?) throws
    -> [String]
  {
    var withPence = false
    if case .money(let a) = c.data {
      withPence = rows.contains { !c.isNull($0) && a[$0] % 100 != 0 }
    }
    let years = isYearColumn(c, field)
    return try rows.map { r in
      try cancellation?.poll(r)
      switch c[r] {
      case .null: return "null"
      case .int(let x): return years ? String(x) : groupThousands(String(x))
      case .number(let x): return displayNumber(x)
      case .money(let p): return Money.display(p, withPence: withPence)
      case let v: return v.plainText
      }
    }
  }

  /// An int column made by `year(…)` or named as a year (`year`,
  /// `calendar_year`, `Year`) whose values all have four digits: `2015`,
  /// not `2,015`.
  static func isYearColumn(_ c: Column, _ field: Field) -> Bool {
    guard case .int(let a) = c.data, field.isYear || field.name.lowercased().contains("year") else { return false }
    return a.indices.allSatisfy { c.isNull($0) || (1000...9999).contains(a[$0]) }
  }

  /// A number as a person reads it: two decimals at most from 1 up
  /// (`7,435.58`), four significant digits below it (`0.3122`), trailing
  /// zeros dropped. csv and json keep every digit.
  static func displayNumber(_ x: Double) -> String {
    guard x.isFinite, x != 0, abs(x) < 1e15 else { return shortestText(x) }
    let magnitude = Int(floor(log10(abs(x))))
    let decimals = magnitude >= 0 ? 2 : 3 - magnitude
    guard decimals <= 17 else { return shortestText(x) }
    var s = String(format: "%.\(decimals)f", x)
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    if s == "-0" { s = "0" }
    let parts = s.split(separator: ".", maxSplits: 1)
    let whole = groupThousands(String(parts[0]))
    return parts.count == 2 ? "\(whole).\(parts[1])" : whole
  }

  static func isRightAligned(_ t: DataType) -> Bool { t == .int || t == .number || t == .money }

  static func table(_ t: Table, limits: TableLimits, cancellation: Cancellation) throws -> String {
    let p = limits.palette
    let shown = min(t.rowCount, limits.maxRows ?? t.rowCount)
    var cells = try t.columns.indices.map {
      try displayColumn(t.columns[$0], field: t.fields[$0], rows: 0..<shown, cancellation: cancellation)
    }
    // One line per cell: a line break inside a value is shown as ↵.
    cells = cells.map {
      $0.map { $0.replacingOccurrences(of: "\n", with: "↵").replacingOccurrences(of: "\t", with: " ") }
    }
    var widths = t.fields.indices.map { c in max(t.fields[c].name.count, cells[c].map(\.count).max() ?? 0) }
    var visible = t.fields.count
    if let maxWidth = limits.maxWidth {
      // Keep the columns that fit, each cut to at most 40 characters.
      widths = widths.map { min($0, 40) }
      var used = 0
      visible = 0
      for w in widths {
        if used + w + (visible > 0 ? 2 : 0) > maxWidth - 2 && visible > 0 { break }
        used += w + (visible > 0 ? 2 : 0)
        visible += 1
      }
    }
    func fit(_ s: String, _ w: Int, right: Bool) -> String {
      var s = s
      if s.count > w { s = String(s.prefix(w - 1)) + "…" }
      let pad = String(repeating: " ", count: w - s.count)
      return right ? pad + s : s + pad
    }
    var lines: [String] = []
    let cols = 0..<visible
    let header = cols.map { fit(t.fields[$0].name, widths[$0], right: isRightAligned(t.fields[$0].type)) }
    lines.append(p.bold + trimEnd(header.joined(separator: "  ")) + p.reset)
    lines.append(p.dim + cols.map { String(repeating: "─", count: widths[$0]) }.joined(separator: "  ") + p.reset)
    for r in 0..<shown {
      let row = cols.map { fit(cells[$0][r], widths[$0], right: isRightAligned(t.fields[$0].type)) }
      lines.append(trimEnd(row.joined(separator: "  ")))
    }
    var footer: [String] = []
    if t.rowCount == 0 { footer.append("(no rows)") }
    if shown < t.rowCount {
      footer.append(
        "\(groupThousands(String(t.rowCount))) rows (\(groupThousands(String(shown))) shown)"
          + (limits.footerHint.map { " — \($0)" } ?? ""))
    }
    if visible < t.fields.count {
      let hidden = t.fields.count - visible
      footer.append(
        "\(hidden) more column\(hidden == 1 ? "" : "s") not shown: \(t.fields[visible...].map(\.name).joined(separator: ", "))"
      )
    }
    if !footer.isEmpty && limits.warnings > 0 {
      footer[0] += " · \(limits.warnings) warning\(limits.warnings == 1 ? "" : "s") below"
    }
    lines += footer.map { p.dim + $0 + p.reset }
    return lines.joined(separator: "\n") + "\n"
  }

  static func trimEnd(_ s: String) -> String {
    var s = Substring(s)
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }

  static func markdown(_ t: Table, cancellation: Cancellation) throws -> String {
    func escape(_ s: String) -> String {
      s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "<br>")
    }
    let cells = try t.columns.indices.map {
      try displayColumn(t.columns[$0], field: t.fields[$0], rows: 0..<t.rowCount, cancellation: cancellation)
    }
    var out = "| " + t.fields.map { escape($0.name) }.joined(separator: " | ") + " |\n"
    out += "|" + t.fields.map { isRightAligned($0.type) ? "---:|" : "---|" }.joined() + "\n"
    for r in 0..<t.rowCount {
      out += "| " + cells.map { escape($0[r]) }.joined(separator: " | ") + " |\n"
    }
    return out
  }
}
