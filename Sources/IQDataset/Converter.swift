import Foundation
import IQCore
import IQEngine
import IQSyntax

/// Turns the raw published files in `Data/` into the tidy tables iq ships
/// with. Its output is committed under `Sources/CIQData/tables/` and
/// embedded in the binary; a test runs it again and compares byte for byte.
public enum DatasetConverter {
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// The last month kept: from April 2019 three 2015-16 areas merged.
  static let lastMonth = Date.days(year: 2019, month: 3, day: 1)

  static let kinds = [
    "CTY": "county", "UA": "unitary", "MD": "metropolitan district", "LBO": "London borough",
    "CC": "City of London",
  ]

  /// Spellings in the NHS England files that normalising alone doesn't match.
  static let aliases = [
    "bristol": "city of bristol", "durham": "county durham", "southend": "southend on sea",
    "buckinghamshire": "buckinghamshire county", "dorset": "dorset county",
  ]

  /// `Barking & Dagenham`, `Stockton On Tees`, `St. Helens` → one spelling.
  static func normalise(_ name: String) -> String {
    var s = name.lowercased().replacingOccurrences(of: "&", with: " and ")
    s = s.replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: ".", with: "")
    s = s.split(separator: " ").joined(separator: " ")
    return aliases[s] ?? s
  }

  /// Reads a CSV file as rows of text cells, header first.
  static func rows(_ url: URL) throws -> [[String]] {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw Failure(description: "can't read \(url.path)")
    }
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    return try CSVReader.textRows(bytes, name: url.path)
  }

  static func index(_ header: [String], _ name: String) throws -> Int {
    guard let i = header.firstIndex(of: name) else { throw Failure(description: "no column '\(name)'") }
    return i
  }

  /// `April 2015` → the first of that month.
  static func month(_ text: String) throws -> Int32 {
    let names = [
      "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
      "December",
    ]
    let parts = text.split(separator: " ")
    guard parts.count == 2, let m = names.firstIndex(of: String(parts[0])), let y = Int(parts[1]) else {
      throw Failure(description: "unreadable period '\(text)'")
    }
    return Date.days(year: y, month: m + 1, day: 1)
  }

  static func csvLine(_ cells: [String]) -> String {
    cells.map { c in
      c.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
        ? "\"" + c.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : c
    }.joined(separator: ",") + "\n"
  }

  /// Every table as CSV text, by file name.
  public static func convert(data: URL) throws -> [String: String] {
    var out: [String: String] = [:]

    let (areasCSV, codeByName) = try areas(data)
    out["areas.csv"] = areasCSV

    // delayed days by responsible organisation, keyed by name and period
    let orgRows = try rows(data.appendingPathComponent("raw/nhse_dtoc_days_by_responsible_org.csv"))
    let oh = orgRows[0]
    let (oName, oNHS, oSocial, oBoth, oPeriod) = try (
      index(oh, "Name"), index(oh, "NHS"), index(oh, "Social Care"), index(oh, "Both"), index(oh, "Period_year")
    )
    var byOrg: [String: [String]] = [:]
    for r in orgRows.dropFirst() { byOrg[r[oName] + "|" + r[oPeriod]] = [r[oNHS], r[oSocial], r[oBoth]] }

    // reasons; old three-digit codes are matched by name like the rest
    let reasonRows = try rows(data.appendingPathComponent("raw/nhse_dtoc_days_by_reason.csv"))
    let rh = reasonRows[0]
    let (rName, rPeriod, rTotal) = try (
      index(rh, "Name"), index(rh, "Period"), index(rh, "Total Delayed Transfers of Care")
    )
    let reasonColumns = (0..<rh.count).filter { ![try? index(rh, "Code"), rName, rPeriod, rTotal].contains($0) }
    let reasonNames = reasonColumns.map { rh[$0] }

    var areaMonths: [Row] = []
    var england: [Row] = []
    var unmatched: Set<String> = []
    for r in reasonRows.dropFirst() {
      let m = try month(r[rPeriod])
      guard m <= lastMonth else { continue }
      guard let org = byOrg[r[rName] + "|" + r[rPeriod]] else {
        throw Failure(description: "no responsible-organisation row for \(r[rName]), \(r[rPeriod])")
      }
      let reasons = reasonColumns.map { r[$0] == "NA" || r[$0] == "-" ? "" : r[$0] }
      let row = Row(area: "", month: m, org: org, total: r[rTotal], reasons: reasons)
      if r[rName] == "England" {
        england.append(row)
      } else if let area = codeByName[normalise(r[rName])] {
        var row = row
        row.area = area
        areaMonths.append(row)
      } else {
        unmatched.insert(r[rName])
      }
    }
    guard unmatched.isEmpty else { throw Failure(description: "names not matched to an area: \(unmatched.sorted())") }
    try checkTotals(areaMonths + england)
    areaMonths.sort { ($0.area, $0.month) < ($1.area, $1.month) }
    england.sort { $0.month < $1.month }

    out["delayed_days.csv"] =
      csvLine(["area", "month", "fy", "nhs", "social_care", "both", "total"])
      + areaMonths.map { csvLine([$0.area, Date.iso($0.month), Date.financialYear($0.month)] + $0.org + [$0.total]) }
      .joined()
    out["england.csv"] =
      csvLine(["month", "fy", "nhs", "social_care", "both", "total"])
      + england.map { csvLine([Date.iso($0.month), Date.financialYear($0.month)] + $0.org + [$0.total]) }.joined()
    // Reasons are embedded one row per area and month; the loader turns
    // them into one row per reason (158,400 rows), which would be ten times the size.
    out["delay_reasons_wide.csv"] =
      csvLine(["area", "month"] + reasonNames)
      + areaMonths.map { csvLine([$0.area, Date.iso($0.month)] + $0.reasons) }.joined()

    (out["headlines.csv"], out["bcf.csv"]) = try headlinesAndBCF(data)

    // care home admissions (ASCOF 2A(2))
    let care = try rows(data.appendingPathComponent("care_home_admissions.csv"))
    out["care_home_admissions.csv"] = care.map { csvLine(Array($0.prefix(2))) }.joined()
    return out
  }

  /// One area's (or England's) month: delayed days by responsible
  /// organisation, the total, and the days by reason.
  struct Row {
    var area: String
    var month: Int32
    var org: [String]
    var total: String
    var reasons: [String]
  }

  /// Each month's parts add up to its total, both by organisation and by reason.
  static func checkTotals(_ rows: [Row]) throws {
    for row in rows {
      guard let total = Int(row.total), row.org.compactMap(Int.init).reduce(0, +) == total,
        row.reasons.compactMap(Int.init).reduce(0, +) == total
      else {
        throw Failure(description: "the parts don't add up to the total in \(row.area) \(Date.iso(row.month))")
      }
    }
  }

  /// The 152 areas, sorted by code, and each one's code by its name as normalised.
  static func areas(_ data: URL) throws -> (csv: String, codeByName: [String: String]) {
    let areaRows = try rows(data.appendingPathComponent("areas_2015_16.csv"))
    let ah = areaRows[0]
    let (code, name, region, type) = try (
      index(ah, "gss_code"), index(ah, "name"), index(ah, "region"), index(ah, "la_type")
    )
    var areas = areaRows.dropFirst().map { r in
      (area: r[code], name: r[name], region: r[region], kind: kinds[r[type]] ?? r[type])
    }
    areas.sort { $0.area < $1.area }
    let csv =
      csvLine(["area", "name", "region", "kind"])
      + areas.map { csvLine([$0.area, $0.name, $0.region, $0.kind]) }.joined()
    var codeByName: [String: String] = [:]
    for a in areas { codeByName[normalise(a.name)] = a.area }
    return (csv, codeByName)
  }

  /// The headlines as published, and the bcf row typed from them.
  static func headlinesAndBCF(_ data: URL) throws -> (headlines: String, bcf: String) {
    let headlineRows = try rows(data.appendingPathComponent("headlines.csv"))
    var headline: [String: String] = [:]
    let (hKey, hValue) = try (index(headlineRows[0], "key"), index(headlineRows[0], "value"))
    for r in headlineRows.dropFirst() { headline[r[hKey]] = r[hValue] }
    var bcfNames = ["fy"]
    var bcfValues = ["2015-16"]
    for key in Dataset.bcfColumns.map(\.name).dropFirst() {
      guard let text = headline[key] else { throw Failure(description: "headlines.csv has no '\(key)'") }
      bcfNames.append(key)
      bcfValues.append(try plainValue(text))
    }
    return (headlineRows.map(csvLine).joined(), csvLine(bcfNames) + csvLine(bcfValues))
  }

  /// A headline value (`£5.3bn`, `-106,000`, `90%`) as a CSV cell iq reads
  /// with the right type: money as `£5300000000.00`.
  static func plainValue(_ text: String) throws -> String {
    let cleaned = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "+", with: "")
    let file = SourceFile(name: "headline", text: cleaned)
    var parser = Parser(file)
    let e: Expr
    do {
      e = try parser.parseExpression()
    } catch {
      throw Failure(description: "unreadable headline value '\(text)': \(error)")
    }
    guard parser.current.kind == .endOfInput, case .literal(let v) = e.kind else {
      throw Failure(
        description: "unreadable headline value '\(text)': not one literal (\(e.kind), then \(parser.current))")
    }
    switch v {
    case .int(let x): return String(x)
    case .number(let x): return shortestText(x)
    case .money(let p): return "£" + Money.plain(p)
    default: throw Failure(description: "unexpected headline value '\(text)'")
    }
  }
}
