import CIQData
import Foundation
import IQCore
import IQEngine
import IQPlan

/// The built-in integration dataset: its tables, what each column means,
/// where the figures come from, and the loaders that decode a table from
/// the bytes embedded in the binary the first time a query touches it.
public enum Dataset {
  public struct ColumnInfo: Sendable {
    public var name: String
    public var type: DataType
    public var description: String
    public var unit: String?
  }

  public struct TableInfo: Sendable {
    public var name: String
    public var description: String
    public var source: String
    public var columns: [ColumnInfo]
    public var rows: Int
  }

  static func c(_ name: String, _ type: DataType, _ description: String, unit: String? = nil) -> ColumnInfo {
    ColumnInfo(name: name, type: type, description: description, unit: unit)
  }

  static let dtocSource = "NHS England, Delayed Transfers of Care statistics (monthly, by local authority); OGL v3.0"
  static let naoSource = "National Audit Office, Health and social care integration, HC 1011, February 2017; OGL v3.0"

  static let bcfColumns: [ColumnInfo] = [
    c("fy", .text, "financial year of the figures"),
    c("pooled", .money, "total pooled in the Better Care Fund (national)", unit: "£"),
    c("minimum", .money, "mandated minimum pooled (national)", unit: "£"),
    c("planned_savings", .money, "savings planned from the Fund (national)", unit: "£"),
    c("plans", .int, "Health and Wellbeing Board plans (Cornwall and the Isles of Scilly filed one)", unit: "plans"),
    c(
      "nel_planned_change", .int, "planned change in emergency admissions against 2014-15 (national)",
      unit: "admissions"),
    c(
      "nel_actual_change", .int, "actual change in emergency admissions against 2014-15 (national)", unit: "admissions"),
    c("nel_planned_saving", .money, "saving planned from fewer emergency admissions (national)", unit: "£"),
    c("nel_cost_vs_plan", .money, "cost of emergency admissions above plan (national)", unit: "£"),
    c("dtoc_planned_change", .int, "planned change in delayed transfer days against 2014-15 (national)", unit: "days"),
    c("dtoc_actual_change", .int, "actual change in delayed transfer days against 2014-15 (national)", unit: "days"),
    c("dtoc_planned_saving", .money, "saving planned from fewer delayed days (national)", unit: "£"),
    c("dtoc_cost_vs_plan", .money, "cost of delayed days above plan (national)", unit: "£"),
    c("joint_working_agree", .number, "share of areas agreeing the plan improved joint working", unit: "proportion"),
  ]

  static let period = [
    c("month", .date, "first day of the month"),
    c("fy", .text, "UK financial year, from April: 2015-16"),
  ]

  static let byOrganisation = [
    c("nhs", .int, "delayed days attributed to the NHS", unit: "days"),
    c("social_care", .int, "delayed days attributed to social care", unit: "days"),
    c("both", .int, "delayed days attributed to both", unit: "days"),
    c("total", .int, "all delayed days (= nhs + social_care + both)", unit: "days"),
  ]

  public static let tables: [TableInfo] = [
    TableInfo(
      name: "areas",
      description:
        "the 152 upper-tier local authorities with adult social care duties in 2015-16 (Health and Wellbeing Board areas)",
      source: "mySociety, UK local authority names and codes; CC BY 4.0",
      columns: [
        c("area", .text, "ONS code, e.g. E06000001"),
        c("name", .text, "authority name, e.g. Hartlepool"),
        c("region", .text, "one of the 9 English regions"),
        c("kind", .text, "county, unitary, metropolitan district, London borough or City of London"),
      ], rows: 152),
    TableInfo(
      name: "delayed_days",
      description:
        "delayed transfer of care days, one row per area per month, April 2011 to March 2019 (City of London and the Isles of Scilly are not published separately)",
      source: dtocSource,
      columns: [c("area", .text, "ONS code of the area (see areas)")] + period + byOrganisation, rows: 14_400),
    TableInfo(
      name: "delay_reasons",
      description:
        "delayed days by the published reason for delay, one row per area, month and reason; per area and month the reasons add up to delayed_days.total",
      source: dtocSource,
      columns: [c("area", .text, "ONS code of the area (see areas)")] + period + [
        c("reason", .text, "the published reason for delay (11 reasons)"),
        c("days", .int, "delayed days for this reason; null where not published (NA or -)", unit: "days"),
      ], rows: 158_400),
    TableInfo(
      name: "england",
      description:
        "national monthly delayed days, including delays not attributed to an area, April 2011 to March 2019",
      source: dtocSource, columns: period + byOrganisation, rows: 96),
    TableInfo(
      name: "bcf",
      description:
        "the NAO's headline figures on the Better Care Fund in 2015-16; all are national figures: no per-area emergency admissions or pooled budgets were published",
      source: naoSource, columns: bcfColumns, rows: 1),
    TableInfo(
      name: "headlines",
      description: "published national figures on the Better Care Fund and integration, as text, each with its source",
      source:
        "National Audit Office, Public Accounts Committee, NHS England, NHS Digital, LGA; OGL v3.0 / Open Parliament Licence",
      columns: [
        c("key", .text, "short name of the figure"),
        c("measure", .text, "what the figure measures"),
        c("period", .text, "the financial year it refers to"),
        c("value", .text, "the figure as published (£5.3bn, -106,000, 90%)"),
        c("source", .text, "where it was published"),
      ], rows: 25),
    TableInfo(
      name: "care_home_admissions",
      description:
        "permanent admissions of people aged 65 and over to residential and nursing care homes, England, per 100,000 (ASCOF 2A(2))",
      source: "NHS Digital, Adult Social Care Outcomes Framework; OGL v3.0",
      columns: [
        c("fy", .text, "financial year"),
        c("rate", .number, "admissions per 100,000 people aged 65 and over", unit: "per 100,000"),
      ], rows: 7),
  ]

  public static var tableNames: [String] { tables.map(\.name) }

  public static func info(_ name: String) -> TableInfo? { tables.first { $0.name == name } }

  /// The attribution that must travel with the data.
  public static let attribution = """
    Contains public sector information licensed under the Open Government Licence v3.0: NHS England, Delayed Transfers of Care statistics; NHS Digital, Adult Social Care Outcomes Framework; National Audit Office.
    Local authority names and codes: mySociety, CC BY 4.0.
    """

  /// The bytes of an embedded file.
  public static func embedded(_ file: String) -> [UInt8]? {
    var length = 0
    guard let p = iq_embedded_file(file, &length) else { return nil }
    return Array(UnsafeBufferPointer(start: p, count: length))
  }

  /// A catalog holding every built-in table, none decoded yet.
  public static func catalog() -> Catalog {
    let catalog = Catalog()
    for t in tables {
      var notes: [String: String] = [:]
      var units: [String: String] = [:]
      for c in t.columns {
        notes[c.name] = c.description
        units[c.name] = c.unit
      }
      catalog.add(
        t.name,
        Catalog.Entry(
          fields: t.columns.map { Field($0.name, $0.type) }, description: t.description, columnNotes: notes,
          columnUnits: units, source: t.source, rowCount: t.rows, load: { try load(t) }))
    }
    return catalog
  }

  static func load(_ t: TableInfo) throws -> Table {
    if t.name == "delay_reasons" { return try loadReasons(t) }
    var table = try read("\(t.name).csv")
    // The declared types are the contract; an int column read as such stays int.
    for (i, c) in t.columns.enumerated() {
      table.fields[i].type = c.type
      if table.columns[i].type != c.type { table.columns[i] = table.columns[i].widened(to: c.type) }
    }
    return table
  }

  static func read(_ file: String) throws -> Table {
    guard let bytes = embedded(file) else {
      throw Diagnostic("the built-in table file \(file) is missing from this build", at: nil)
    }
    // A built-in table decodes in milliseconds: nothing to stop.
    return try CSVReader.parse(bytes, name: file, cancellation: Cancellation()).table
  }

  /// One row per area, month and reason, from the embedded one row per area and month.
  static func loadReasons(_ t: TableInfo) throws -> Table {
    let wide = try read("delay_reasons_wide.csv")
    guard case .text(let areas) = wide.columns[0].decoded().data, case .date(let months) = wide.columns[1].data else {
      throw Diagnostic("delay_reasons_wide.csv has unexpected columns", at: nil)
    }
    // Reasons in code-point order, as the rows are stored.
    let reasons = (2..<wide.fields.count).sorted {
      wide.fields[$0].name.utf8.lexicographicallyPrecedes(wide.fields[$1].name.utf8)
    }
    let n = wide.rowCount * reasons.count
    var area = [String](), month = [Int32](), fy = [String](), reason = [String](), days = [Int64]()
    var valid = [Bool]()
    area.reserveCapacity(n)
    fy.reserveCapacity(n)
    reason.reserveCapacity(n)
    for r in 0..<wide.rowCount {
      let year = Date.financialYear(months[r])
      for c in reasons {
        area.append(areas[r])
        month.append(months[r])
        fy.append(year)
        reason.append(wide.fields[c].name)
        let v = wide.columns[c][r]
        if case .int(let x) = v {
          days.append(x)
          valid.append(true)
        } else {
          days.append(0)
          valid.append(false)
        }
      }
    }
    // Text dictionary-coded, as a CSV's is: sorting, grouping and joins
    // on these 158,400 rows (or 15 million after a join) work on codes.
    return Table(
      fields: t.columns.map { Field($0.name, $0.type) },
      columns: [
        coded(area), Column(.date(month)), coded(fy), coded(reason),
        Column(.int(days), valid: valid),
      ],
      rowCount: n)
  }

  /// A text column as codes into a table of its different values.
  static func coded(_ values: [String]) -> Column {
    var codes = TextCodes()
    return Column(.coded(values.map { codes.code($0) }, dictionary: codes.dictionary))
  }
}
