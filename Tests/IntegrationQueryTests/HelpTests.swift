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

/// Help is executed, so it cannot drift from what iq does.
final class HelpTests: XCTestCase {
  let session = Session.builtIn(results: Sink { _ in }, messages: Sink { _ in })

  func testEveryExampleRuns() throws {
    var ran = 0
    for topic in Help.topics {
      guard let example = topic.example else { continue }
      let table = try Help.run(example, session: session).table
      XCTAssertGreaterThan(table.rowCount, 0, "the example of '\(topic.name)' gives no rows: \(example)")
      ran += 1
    }
    XCTAssertGreaterThan(ran, 50)
  }

  /// Every lesson of the tutorial is done by its own answer, files and all
  /// (lesson 11 writes its export into the session's folder).
  func testEveryLessonIsDoneByItsAnswer() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iq-lessons-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (n, lesson) in Tutorial.lessons.enumerated() {
      var out = ""
      let s = Session.builtIn(results: Sink { out += $0 }, messages: Sink { _ in })
      s.directory = dir.path
      s.tutorialPath = dir.appendingPathComponent("progress").path
      XCTAssertTrue(s.run(SourceFile(name: "<t>", text: ".tutorial \(n + 1)\n\(lesson.answer)")), lesson.answer)
      XCTAssertTrue(out.contains("lesson \(n + 1) done"), "lesson \(n + 1) is not done by its answer:\n\(out)")
    }
  }

  func testEveryDotCommandExampleRuns() throws {
    for command in DotCommand.allCases {
      guard let example = command.example else { continue }
      XCTAssertFalse(try Help.runDotCommand(example, session: session).isEmpty, example)
    }
  }

  func testEveryNameHasHelp() throws {
    let names =
      Verb.allCases.map(\.rawValue) + Builtin.functions.map(\.name) + Aggregate.allCases.map(\.rawValue)
      + Window.allCases.map(\.rawValue) + DotCommand.allCases.map(\.rawValue) + [
        "money", "percent", "dates", "null", "let",
      ]
    for name in names {
      XCTAssertNoThrow(try Help.text(name, session: session, span: .none), "no help on '\(name)'")
    }
    XCTAssertTrue(try Help.text("max", session: session, span: .none).hasPrefix("min:"))
    XCTAssertTrue(try Help.text("money()", session: session, span: .none).hasPrefix("money: money(x)"))
  }

  func testIndexListsEveryVerbAndDotCommand() {
    let index = Help.index
    for v in Verb.allCases { XCTAssertTrue(index.contains(" \(v.rawValue)"), v.rawValue) }
    for d in DotCommand.allCases { XCTAssertTrue(index.contains(".\(d.rawValue)"), d.rawValue) }
  }
}
