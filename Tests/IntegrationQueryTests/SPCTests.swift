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

/// The XmR numbers and the special-cause rules, against values worked out by hand.
final class SPCTests: XCTestCase {
  func testLimitsScreenedMovingRangeAndEveryRule() {
    // Mean 124 / 10 = 12.4. Moving ranges 1 (×8) and 19; their mean 27 / 9 = 3,
    // and 19 ≥ 3.267 × 3 is screened out, so the mean moving range is 8 / 8 = 1.
    // Limits 12.4 ± 2.66; "near" beyond 12.4 ± 1.7733.
    let spc = SPCAnalysis([10, 11, 10, 11, 10, 11, 10, 11, 10, 30])
    XCTAssertEqual(spc.mean, 12.4, accuracy: 1e-9)
    XCTAssertEqual(spc.meanMovingRange, 1, accuracy: 1e-9)
    XCTAssertEqual(spc.upperLimit, 15.06, accuracy: 1e-9)
    XCTAssertEqual(spc.lowerLimit, 9.74, accuracy: 1e-9)
    XCTAssertEqual(spc.lowerNear, 12.4 - 2.66 * 2 / 3, accuracy: 1e-9)
    // 30 is beyond the upper limit.
    XCTAssertEqual(spc.signals[9], [.beyondLimits])
    // The first nine are all below the mean: a shift. Each 10 is near the
    // lower limit, two in every three on one side: two of three.
    for i in 0..<9 {
      XCTAssertTrue(spc.signals[i].contains(.shift), "point \(i)")
      XCTAssertEqual(spc.signals[i].contains(.twoOfThree), i % 2 == 0, "point \(i)")
    }
  }

  func testTrendOfSevenAndNoMore() {
    let rising = SPCAnalysis([50, 40, 41, 42, 43, 44, 45, 46, 30, 50, 35, 45])
    let trend = rising.signals.indices.filter { rising.signals[$0].contains(.trend) }
    XCTAssertEqual(trend, Array(1...7))
    // Six rises make no trend.
    let six = SPCAnalysis([50, 40, 41, 42, 43, 44, 45, 30, 50, 35, 45])
    XCTAssertFalse(six.signals.contains { $0.contains(.trend) })
  }

  func testSixOnOneSideIsNoShift() {
    let spc = SPCAnalysis([1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 0, 10])
    XCTAssertFalse(spc.signals.contains { $0.contains(.shift) })
  }

  func testFlatAndShortSeries() {
    XCTAssertEqual(SPCAnalysis([]).signals, [])
    let flat = SPCAnalysis([5, 5, 5])
    XCTAssertEqual(flat.upperLimit, 5)
    XCTAssertEqual(flat.signals, [[], [], []])
  }

  /// England's monthly delayed days, checked against an independent calculation.
  func testEnglandMonthlyTotals() throws {
    let table = try Dataset.catalog().table("england")
    guard case .int(let totals) = table.columns[5].data else { return XCTFail("total is not int") }
    let spc = SPCAnalysis(totals.map(Double.init))
    XCTAssertEqual(spc.mean, 140_645.489_583, accuracy: 1e-3)
    XCTAssertEqual(spc.meanMovingRange, 6_071.053_191, accuracy: 1e-3)
    XCTAssertEqual(spc.upperLimit, 156_794.491_073, accuracy: 1e-3)
    XCTAssertEqual(spc.lowerLimit, 124_496.488_094, accuracy: 1e-3)
    XCTAssertEqual(spc.signals.filter { $0.contains(.beyondLimits) }.count, 60)
  }
}
