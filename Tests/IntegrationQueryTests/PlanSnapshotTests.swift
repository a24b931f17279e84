import Foundation
import XCTest

@testable import IQBuiltins
@testable import IQCore
@testable import IQPlan
@testable import IQSyntax
@testable import IntegrationQuery

/// The resolved plan of each query in `Plans/queries.iq`, compared with
/// `Plans/queries.plan`: a change in how queries resolve is seen in review
/// even when every result stays the same. `IQ_UPDATE_GOLDEN=1` rewrites it.
final class PlanSnapshotTests: XCTestCase {
  func testPlansMatchTheSnapshot() throws {
    let folder = GoldenTests.testsDirectory.appendingPathComponent("Plans")
    let source = try SourceFile(
      name: "queries.iq", text: String(contentsOf: folder.appendingPathComponent("queries.iq"), encoding: .utf8))
    let (statements, diagnostics) = Parser.parse(source)
    XCTAssertEqual(diagnostics.count, 0, diagnostics.first?.message ?? "")
    let session = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })
    session.directory = GoldenTests.testsDirectory.appendingPathComponent("Golden").path
    var out = ""
    for statement in statements {
      guard case .pipeline(let p) = statement.kind else { continue }
      out += source.text(of: statement.span) + "\n"
      do {
        out += try Resolver(catalog: session.catalog, values: session.values).resolve(p).dump + "\n\n"
      } catch let d as Diagnostic {
        out += "error: \(d.message)\n\n"
      }
    }
    XCTAssertGreaterThan(statements.count, 10)
    GoldenTests.compare(out, withRecorded: folder.appendingPathComponent("queries.plan"), what: "the plan snapshot")
  }
}
