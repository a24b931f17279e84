import Foundation
import XCTest

@testable import IQBuiltins
@testable import IQCore
@testable import IQOutput
@testable import IntegrationQuery

/// Every builtin's help example (declared with it in IQBuiltins) is run and
/// its table compared with `Builtins/examples.out`, so the example `.help`
/// shows is checked, not only that it runs. `IQ_UPDATE_GOLDEN=1` rewrites it.
final class BuiltinExampleTests: XCTestCase {
  func testEveryExampleGivesItsRecordedOutput() throws {
    let session = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
    let examples =
      Builtin.functions.map { ($0.name, $0.example) }
      + (Aggregate.allCases.compactMap(\.help) + Window.allCases.compactMap(\.help)).map { ($0.topic, $0.example) }
    var out = ""
    for (name, example) in examples {
      let outcome = try Help.run(example, session: session)
      let table = try Output.render(
        outcome.table, as: .table, limits: TableLimits(maxRows: 10), cancellation: Cancellation())
      out += "## \(name)\n\(example)\n\n\(table)\n"
    }
    XCTAssertGreaterThan(examples.count, 30)
    GoldenTests.compare(
      out, withRecorded: GoldenTests.testsDirectory.appendingPathComponent("Builtins/examples.out"),
      what: "the builtins' example output")
  }
}
