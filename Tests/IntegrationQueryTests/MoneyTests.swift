import XCTest

@testable import IQBuiltins
@testable import IQCore
@testable import IQDataset
@testable import IQEngine
@testable import IQOutput
@testable import IQPlan
@testable import IQSyntax

final class MoneyTests: XCTestCase {
  func testRoundingHalvesAwayFromZero() {
    XCTAssertEqual(Money.multiply(115, by: 0.5), 58)  // 57.5p
    XCTAssertEqual(Money.multiply(-115, by: 0.5), -58)
    XCTAssertEqual(Money.multiply(29, by: 0.5), 15)  // 14.5p
    XCTAssertEqual(Money.multiply(10_000, by: 0.02675), 268)  // 267.5p, though 0.02675 is not exact in binary
    XCTAssertEqual(Money.divide(250, by: 2), 125)
    XCTAssertEqual(Money.divide(-25, by: 2), -13)
    XCTAssertEqual(Money.divide(1, by: 3), 0)
    XCTAssertEqual(Money.divide(31_100_000_000, by: 193_000), 161_140)  // £311m / 193,000 = £1,611.40
  }

  func testOverflowIsReportedNotWrapped() {
    XCTAssertNil(Money.multiply(Int64.max / 2, by: 3))
    XCTAssertNil(Money.divide(1, by: 0))
  }

  func testFormatting() {
    XCTAssertEqual(Money.plain(31_100_000_000), "311000000.00")
    XCTAssertEqual(Money.plain(-5), "-0.05")
    XCTAssertEqual(Money.display(161_140, withPence: true), "£1,611.40")
    XCTAssertEqual(Money.display(31_100_000_000, withPence: false), "£311,000,000")
    XCTAssertEqual(Money.display(-500, withPence: false), "-£5")
  }

  func testMedianOfTwoAmountsDoesNotOverflow() {
    XCTAssertEqual(roundedMean(3, 4), 4)
    XCTAssertEqual(roundedMean(-3, -4), -4)
    XCTAssertEqual(roundedMean(Int64.max, Int64.max), Int64.max)
  }

  func testDates() {
    XCTAssertEqual(Date.iso(Date.days(year: 2016, month: 2, day: 29)), "2016-02-29")
    XCTAssertEqual(Date.financialYear(Date.days(year: 2016, month: 3, day: 31)), "2015-16")
    XCTAssertEqual(Date.financialYear(Date.days(year: 1999, month: 4, day: 1)), "1999-00")
    XCTAssertNil(Date.parseISO("2015-02-29"))
    XCTAssertEqual(Date.days(year: 1970, month: 1, day: 1), 0)
  }

  func testShortestDoubles() {
    XCTAssertEqual(shortestText(0.3122), "0.3122")
    XCTAssertEqual(shortestText(0.1 + 0.2), "0.30000000000000004")
    XCTAssertEqual(shortestText(3), "3")
    XCTAssertEqual(groupThousands("1809587"), "1,809,587")
    XCTAssertEqual(groupThousands("-184610"), "-184,610")
  }
}
