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

/// Charts fit the width they are given, and series share their x categories.
final class ChartTests: XCTestCase {
  /// Runs a pipeline that ends in a chart and draws it at `width`.
  func chart(_ query: String, width: Int) throws -> (text: String, svg: String) {
    let session = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
    let file = SourceFile(name: "<test>", text: query)
    guard case .pipeline(let p) = Parser.parse(file).statements.first?.kind else {
      throw XCTSkip("not a pipeline")
    }
    let outcome = try session.evaluate(p)
    let spec = try XCTUnwrap(outcome.chart)
    return (TextChart.render(outcome.table, spec: spec, width: width), SVGChart.render(outcome.table, spec: spec))
  }

  /// Every bar line is exactly as wide as the terminal at its widest: one
  /// more and each line wraps.
  func testBarsFitTheWidthExactly() throws {
    for width in [60, 80, 100, 120, 173] {
      for query in [
        "from delayed_days | where fy == \"2015-16\" | join areas on area | summarize days = sum(total) by region | chart bar region, days",
        "from bcf | select label = \"cost\", v = dtoc_cost_vs_plan | chart bar label, v",
        "from england | summarize days = sum(total) by fy | derive rise = days - lag(days) | chart bar fy, rise",
      ] {
        let lines = try chart(query, width: width).text.split(separator: "\n").dropFirst()  // the title
        let widest = lines.map(\.count).max() ?? 0
        XCTAssertEqual(widest, width, "\(query) at \(width):\n\(lines.joined(separator: "\n"))")
      }
    }
  }

  func testLinesFitTheWidth() throws {
    for width in [60, 100, 140] {
      let text = try chart(
        "from delayed_days | join areas on area | summarize days = sum(total) by fy, region | chart line fy, days by region",
        width: width
      ).text
      XCTAssertLessThanOrEqual(text.split(separator: "\n").map(\.count).max() ?? 0, width, text)
    }
  }

  /// `chart line fy, days by region`: every region's points stand on the
  /// same eight financial years, and the SVG names each year once.
  func testSeriesShareTheirCategories() throws {
    let (text, svg) = try chart(
      "from delayed_days | join areas on area | summarize days = sum(total) by region, fy | chart line fy, days by region",
      width: 120)
    let ticks = svg.components(separatedBy: "\n").filter { $0.contains("text-anchor=\"middle\"") }
    XCTAssertEqual(ticks.count, 8, ticks.joined(separator: "\n"))
    for fy in ["2011-12", "2014-15", "2018-19"] {
      XCTAssertEqual(ticks.filter { $0.contains(">\(fy)<") }.count, 1, fy)
    }
    // Each series' polyline has one point per year, at the same x positions.
    let xsOf = svg.components(separatedBy: "\n").filter { $0.hasPrefix("<polyline") }.map { line -> [String] in
      let points = line.components(separatedBy: "points=\"")[1].components(separatedBy: "\"")[0]
      return points.split(separator: " ").map { String($0.split(separator: ",")[0]) }
    }
    XCTAssertEqual(xsOf.count, 9)
    XCTAssertTrue(xsOf.allSatisfy { $0 == xsOf[0] && $0.count == 8 }, "\(xsOf)")
    XCTAssertTrue(text.contains("2011-12"))
  }

  /// Nine regions (more than the eight colours and the first eight marks)
  /// each look different: a mark of their own in text, colour and dash in SVG.
  func testMoreThanEightSeriesStayDistinguishable() throws {
    let (text, svg) = try chart(
      "from delayed_days | join areas on area | summarize days = sum(total) by fy, region | chart line fy, days by region",
      width: 160)
    let legend = text.split(separator: "\n").suffix(2).joined(separator: " ")
    let marks = legend.split(separator: " ").filter { $0.count == 1 && !$0.first!.isLetter && !$0.first!.isNumber }
    XCTAssertEqual(marks.count, 9, legend)
    XCTAssertEqual(Set(marks).count, 9, legend)
    let styles = svg.components(separatedBy: "\n").filter { $0.hasPrefix("<polyline") }.map { line in
      line.components(separatedBy: " points=")[0]
    }
    XCTAssertEqual(Set(styles).count, 9, styles.joined(separator: "\n"))
  }
}
