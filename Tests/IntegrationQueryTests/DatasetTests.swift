import Foundation
import XCTest

@testable import IQBuiltins
@testable import IQCore
@testable import IQDataset
@testable import IQEngine
@testable import IQOutput
@testable import IQPlan
@testable import IQSQL
@testable import IQSyntax
@testable import IntegrationQuery

/// The checks of DATASET.md, run through the language itself.
final class DatasetTests: XCTestCase {
  /// Runs a query and returns its result as CSV text without the header.
  func query(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    var out = ""
    var errors = ""
    let session = Session.builtIn(results: Sink { out += $0 }, messages: Sink { errors += $0 })
    session.format = .csv
    session.run(SourceFile(name: "t", text: text))
    XCTAssertEqual(errors, "", file: file, line: line)
    return out.split(separator: "\n").dropFirst().joined(separator: "\n")
  }

  func testRowCounts() {
    for t in Dataset.tables {
      XCTAssertEqual(query("from \(t.name) | count"), String(t.rows), t.name)
    }
  }

  func testAreasPerRegion() {
    XCTAssertEqual(
      query("from areas | summarize n = count() by region"),
      """
      East Midlands,9
      East of England,11
      London,33
      North East,12
      North West,23
      South East,19
      South West,16
      West Midlands,14
      Yorkshire and The Humber,15
      """)
    XCTAssertEqual(
      query("from areas | distinct kind | sort kind"),
      "City of London\nLondon borough\ncounty\nmetropolitan district\nunitary")
  }

  func testEnglandTotals() {
    XCTAssertEqual(
      query("from england | where fy in (\"2014-15\", \"2015-16\", \"2016-17\") | summarize total = sum(total) by fy"),
      "2014-15,1624977\n2015-16,1809587\n2016-17,2254821")
    XCTAssertEqual(
      query(
        "from england | where fy == \"2015-16\" | summarize nhs = sum(nhs), social_care = sum(social_care), both = sum(both)"
      ),
      "1114550,565021,130016")
  }

  func testAreaTotals() {
    XCTAssertEqual(
      query("from delayed_days | where fy in (\"2014-15\", \"2015-16\") | summarize total = sum(total) by fy"),
      "2014-15,1618323\n2015-16,1802567")
  }

  func testEveryAreaIsKnownAndHas96Months() {
    XCTAssertEqual(query("from delayed_days | join left areas on area | where is_null(name) | count"), "0")
    XCTAssertEqual(query("from delayed_days | summarize months = count() by area | where months != 96 | count"), "0")
    XCTAssertEqual(
      query("from areas | join left many delayed_days on area | where is_null(total) | select name"),
      "Isles of Scilly\nCity of London")
  }

  func testPartsAddUpToTheTotal() {
    XCTAssertEqual(query("from delayed_days | where nhs + social_care + both != total | count"), "0")
    XCTAssertEqual(query("from england | where nhs + social_care + both != total | count"), "0")
    XCTAssertEqual(
      query(
        """
        let sums = from delay_reasons | summarize days = sum(days) by area, month
        from sums | join delayed_days on area, month | where days != total | count
        """), "0")
    XCTAssertEqual(query("from delay_reasons | where is_null(days) | count"), "10800")
    XCTAssertEqual(query("from delay_reasons | summarize reasons = count_distinct(reason)"), "11")
  }

  func testMonthsAndBcf() {
    XCTAssertEqual(
      query("from delayed_days | summarize first = min(month), last = max(month)"), "2011-04-01,2019-03-01")
    XCTAssertEqual(
      query(
        "from bcf | select pooled, minimum, planned_savings, plans, nel_actual_change, dtoc_cost_vs_plan, joint_working_agree"
      ),
      "5300000000.00,3800000000.00,511000000.00,151,87000,146000000.00,0.9")
    XCTAssertEqual(query("from care_home_admissions | select rate"), "658.5\n628.2\n610.7\n585.6\n577.6\n584\n498.2")
  }

  func testRowsAreStoredInKeyOrder() {
    XCTAssertEqual(
      query("from areas | derive n = row_number() | sort area | derive m = row_number() | where n != m | count"), "0")
    XCTAssertEqual(
      query(
        "from delayed_days | derive n = row_number() | sort area, month | derive m = row_number() | where n != m | count"
      ), "0")
    XCTAssertEqual(
      query(
        "from delay_reasons | derive n = row_number() | sort area, month, reason | derive m = row_number() | where n != m | count"
      ), "0")
  }

  func testDeclaredTypesMatchTheData() throws {
    let catalog = Dataset.catalog()
    for t in Dataset.tables {
      let table = try catalog.table(t.name)
      XCTAssertEqual(table.columns.map(\.type), t.columns.map(\.type), t.name)
    }
  }

  /// The converter, run again on the raw files, gives the embedded bytes.
  func testEmbeddedTablesEqualTheConvertersOutput() throws {
    let data = GoldenTests.packageRoot.appendingPathComponent("Data")
    let tables = try DatasetConverter.convert(data: data)
    XCTAssertEqual(tables.count, 7)
    for (name, text) in tables {
      XCTAssertEqual(Dataset.embedded(name), Array(text.utf8), "\(name) differs: run `swift run build-dataset`")
    }
  }

  func testNamesMatchExactlyOneArea() {
    XCTAssertEqual(DatasetConverter.normalise("Barking & Dagenham"), DatasetConverter.normalise("Barking and Dagenham"))
    XCTAssertEqual(DatasetConverter.normalise("St Helens"), DatasetConverter.normalise("St. Helens"))
    XCTAssertEqual(DatasetConverter.normalise("Stockton On Tees"), DatasetConverter.normalise("Stockton-on-Tees"))
    XCTAssertEqual(DatasetConverter.normalise("Southend"), DatasetConverter.normalise("Southend-on-Sea"))
  }
}
