import XCTest

@testable import IQCore
@testable import IQEngine
@testable import IQSyntax
@testable import IntegrationQuery

/// Steps the engine runs as one (`sort | take` as a top-n; a filter or a
/// top-n after a join reading only the joined columns it needs) give what
/// running them one by one gives, as `.explain` does: the same rows in the
/// same order, types, nulls, warnings, and the order later windows follow.
final class FusedStepsTests: XCTestCase {
  func testFusedStepsMatchRunningThemOneByOne() throws {
    let session = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
    func pipeline(_ text: String) throws -> IQSyntax.Pipeline {
      try Session.onePipeline(SourceFile(name: "t", text: text), otherwise: Diagnostic("not one", at: nil))
    }
    // Small tables with repeats, ties and nulls, so joins fan out and sorts tie.
    for (name, query) in [
      ("d", "from delayed_days | where month >= @2016-01 and month < @2016-04 and total > 100"),
      ("r", "from delay_reasons | where month == @2016-02 and area < \"E08\""),
      ("a", "from areas | derive region = if(kind == \"county\", null, region)"),
    ] {
      session.catalog.add(name, table: try session.evaluate(try pipeline(query)).table, description: name)
    }
    var rng = SystemRandomNumberGenerator()
    let joins = [
      "join many d on area", "join left d on area", "join d on area, month", "join left a on area",
      "join many d on area, fy",
    ]
    let filters = [
      "where total > 500", "where reason == \"Other\" or days > 20", "where days > avg(days)",
      "where row_number() < 40", "where days == null or total < 300", "where reason == \"Othr\"",
    ]
    let tops = [
      "sort reason, total | take 25", "sort total desc, days | take 3", "top 7 by days",
      "sort area desc | take 1000", "sort region, days desc | take 12", "top 4 by total desc",
    ]
    let afters = ["", "| derive n = row_number()", "| derive k = rank()", "| count"]
    var compared = 0
    for _ in 0..<500 {
      let join = joins.randomElement(using: &rng)!
      var text = "from r | \(join)"
      if Bool.random(using: &rng) { text += " | " + filters.randomElement(using: &rng)! }
      if Bool.random(using: &rng) || !text.contains("where") { text += " | " + tops.randomElement(using: &rng)! }
      if Bool.random(using: &rng) { text = "from r | " + tops.randomElement(using: &rng)! }
      text += afters.randomElement(using: &rng)!
      let p: IQSyntax.Pipeline
      do { p = try pipeline(text) } catch { continue }
      let fused: QueryOutcome
      do { fused = try session.evaluate(p) } catch {
        // Not for this table (a column the join doesn't give): the same error step by step.
        XCTAssertThrowsError(try session.evaluate(p, after: { _, _ in }), text)
        continue
      }
      compared += 1
      var steps = 0
      let oneByOne = try session.evaluate(p, after: { _, _ in steps += 1 })
      XCTAssertEqual(steps, oneByOne.plan.steps.count)
      let (a, b) = (fused.table, oneByOne.table)
      XCTAssertEqual(a.fields.map(\.name), b.fields.map(\.name), text)
      XCTAssertEqual(a.fields.map(\.type), b.fields.map(\.type), text)
      XCTAssertEqual(a.rowCount, b.rowCount, text)
      guard a.rowCount == b.rowCount, a.columns.count == b.columns.count else { continue }
      for c in a.columns.indices {
        XCTAssertEqual(
          (0..<a.rowCount).map { a.columns[c][$0] }, (0..<b.rowCount).map { b.columns[c][$0] },
          "\(text): column \(a.fields[c].name)")
      }
      XCTAssertEqual(fused.warnings.diagnostics.map(\.message), oneByOne.warnings.diagnostics.map(\.message), text)
    }
    XCTAssertGreaterThan(compared, 150)
  }
}
