import XCTest

@testable import IQCore

/// The readings of exported values and Excel's format codes, one rule a line.
final class CellTextTests: XCTestCase {
  func n(_ s: String) -> CellText.Number? { CellText.number(s) }

  func testNumbers() {
    XCTAssertEqual(n("7,012")?.int, 7012)
    XCTAssertEqual(n("1,234,567.5")?.value, 1_234_567.5)
    XCTAssertEqual(n("(1,234.56)")?.value, -1234.56)
    XCTAssertEqual(n("+5")?.int, 5)
    XCTAssertEqual(n("  12 ")?.int, 12)
    XCTAssertEqual(n("1.5e3")?.value, 1500)
    XCTAssertEqual(n("12.5%")?.value, 0.125)
    XCTAssertEqual(n("12.5%")?.int, nil)
    XCTAssertEqual(n("£1,234.56")?.pence, 123_456)
    XCTAssertEqual(n("-£5")?.pence, -500)
    XCTAssertEqual(n("£-5")?.pence, -500)
    XCTAssertEqual(n("(£500.00)")?.pence, -50_000)
    XCTAssertEqual(n("00123")?.leadingZero, true)
    XCTAssertEqual(n("0.5")?.leadingZero, false)
    // Not numbers: separators not every three digits, two signs, an exponent with separators.
    for bad in ["1,23", "12,", ",5", "0,123", "(-5)", "--5", "1,234e5", "£1.2.3", "5%%", "(5", "", "£", "1 234"] {
      XCTAssertNil(n(bad), bad)
    }
    // Past the largest double: not a number.
    XCTAssertNil(n("1e400"))
    XCTAssertEqual(n("99999999999999999999")?.int, nil)
    XCTAssertEqual(n("99999999999999999999")?.value, 1e20)
  }

  func testDates() {
    let april = Date.days(year: 2015, month: 4, day: 1)
    for s in [
      "2015-04-01", "01/04/2015", "1/4/2015", "01-04-2015", "01.04.2015", "1 Apr 2015", "01-Apr-2015", "1 April 2015",
      "01-Apr-15", "Apr-15", "Apr 2015", "April 2015", "apr-15", "2015-04-01T00:00:00", "2015-04-01 00:00",
      "2015-04-01T00:00:00.000Z", "01/04/2015 00:00",
    ] {
      XCTAssertEqual(CellText.date(s), april, s)
    }
    // Month first, impossible days, a time past midnight, a financial year: not dates.
    for bad in ["04/13/2015", "31/02/2015", "2015-04-01T09:30:00", "2011-12", "2015-4-1", "1/4/15", "Apri 2015"] {
      XCTAssertNil(CellText.date(bad), bad)
    }
    XCTAssertEqual(CellText.date("Sept 2015"), Date.days(year: 2015, month: 9, day: 1))
  }

  func testNullMarkers() {
    for m in CellText.nullMarkers + ["", "  ", " n/a "] { XCTAssertTrue(CellText.isNull(m), m) }
    for v in ["N", "nan", "NaN", "none", "0", "--", "[d]", "Null value"] { XCTAssertFalse(CellText.isNull(v), v) }
  }

  func testNumberFormats() {
    XCTAssertEqual(ExcelFormat.format(number: 1234.5, "£#,##0.00"), "£1,234.50")
    XCTAssertEqual(ExcelFormat.format(number: -1234.5, "£#,##0.00"), "-£1,234.50")
    XCTAssertEqual(ExcelFormat.format(number: -1234.5, "#,##0.00;(#,##0.00)"), "(1,234.50)")
    XCTAssertEqual(ExcelFormat.format(number: 0, "#,##0;(#,##0);-"), "-")
    XCTAssertEqual(ExcelFormat.format(number: 0.2991, "0.0%"), "29.9%")
    XCTAssertEqual(ExcelFormat.format(number: 2.5, "0"), "3")
    XCTAssertEqual(ExcelFormat.format(number: 0.125, "0.00"), "0.13")
    XCTAssertEqual(ExcelFormat.format(number: 1.5, "0.##"), "1.5")
    XCTAssertEqual(ExcelFormat.format(number: 1234, "[Red]#,##0"), "1,234")
    XCTAssertEqual(ExcelFormat.format(number: 1234, "[$£-809]#,##0"), "£1,234")
    XCTAssertEqual(ExcelFormat.format(number: -0.001, "0.00"), "0.00")
    XCTAssertNil(ExcelFormat.format(number: 1, "dd/mm/yyyy"))
  }

  func testDateFormats() {
    let d = Date.days(year: 2015, month: 4, day: 1)
    XCTAssertEqual(ExcelFormat.format(date: d, "dd/mm/yyyy"), "01/04/2015")
    XCTAssertEqual(ExcelFormat.format(date: d, "mmm-yy"), "Apr-15")
    XCTAssertEqual(ExcelFormat.format(date: d, "dddd d mmmm yyyy"), "Wednesday 1 April 2015")
    XCTAssertEqual(ExcelFormat.format(date: d, "yyyy\"Q\"m"), "2015Q4")
    XCTAssertNil(ExcelFormat.format(date: d, "#,##0"))
    XCTAssertEqual(ExcelFormat.parseDate("01/04/2015", "dd/mm/yyyy"), d)
    XCTAssertEqual(ExcelFormat.parseDate("1/4/2015", "dd/mm/yyyy"), d)
    XCTAssertEqual(ExcelFormat.parseDate("April 1, 2015", "mmmm d, yyyy"), d)
    XCTAssertEqual(ExcelFormat.parseDate("Wed 1 Apr 15", "ddd d mmm yy"), d)
    XCTAssertNil(ExcelFormat.parseDate("31/02/2015", "dd/mm/yyyy"))
    XCTAssertNil(ExcelFormat.parseDate("01/04/2015x", "dd/mm/yyyy"))
    XCTAssertTrue(ExcelFormat.isDateCode("[$-809]dd/mm/yyyy;@"))
    XCTAssertFalse(ExcelFormat.isDateCode("£#,##0.00"))
  }
}
