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

/// Runs a `.iq` file under `Golden/` or `Examples/` and compares what it
/// prints (results and diagnostics, in order) with the `.out` beside it.
/// Each script is its own test, by name (`GoldenFileTests`, `ExampleTests`:
/// made at build time by the GoldenCases plugin). `IQ_UPDATE_GOLDEN=1
/// swift test` writes the `.out` files instead; read the diff before committing.
final class GoldenTests: XCTestCase {
  static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

  /// Runs a script as `iq FILE` would in table mode, capturing both streams in order.
  static func run(_ url: URL, relativeTo root: URL) -> String {
    let name = String(url.path.dropFirst(root.path.count + 1))
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    return run(text, name: name, in: root).output
  }

  /// Runs a script's text in `root`, as `iq FILE` would in table mode; the
  /// session (with the errors it reported) and both streams in order.
  static func run(_ text: String, name: String, in root: URL, readOnly: Bool = false) -> (
    session: Session, output: String
  ) {
    var out = ""
    let session = Session.builtIn(results: Sink { out += $0 }, messages: Sink { out += $0 })
    session.format = .table
    session.readOnly = readOnly
    session.directory = root.path
    session.run(SourceFile(name: name, text: text))
    return (session, out)
  }

  static func scripts(under root: URL) -> [URL] {
    let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
    var found: [URL] = []
    while let u = walker?.nextObject() as? URL {
      if u.pathExtension == "iq" && !u.path.contains("/fixtures/") { found.append(u) }
    }
    return found.sorted { $0.path < $1.path }
  }

  enum Folder {
    case golden, examples
    var root: URL {
      switch self {
      case .golden: return GoldenTests.testsDirectory.appendingPathComponent("Golden")
      case .examples: return GoldenTests.packageRoot.appendingPathComponent("Examples")
      }
    }
  }

  /// Runs one script (its path under the folder) and compares with its `.out`.
  static func check(_ path: String, in folder: Folder, file: StaticString = #filePath, line: UInt = #line) {
    let script = folder.root.appendingPathComponent(path)
    let actual = run(script, relativeTo: folder.root)
    compare(
      actual, withRecorded: script.deletingPathExtension().appendingPathExtension("out"), what: path, file: file,
      line: line)
  }

  /// Text a test made, against the file that records what it should be
  /// (goldens, plan snapshots, builtin examples); `IQ_UPDATE_GOLDEN=1`
  /// writes the file instead.
  static func compare(
    _ actual: String, withRecorded url: URL, what: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    if ProcessInfo.processInfo.environment["IQ_UPDATE_GOLDEN"] == "1" {
      try? actual.write(to: url, atomically: true, encoding: .utf8)
      return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
      return XCTFail(
        "\(what): no \(url.lastPathComponent); run with IQ_UPDATE_GOLDEN=1 to write it", file: file, line: line)
    }
    if actual != expected {
      XCTFail("\(what) differs from \(url.lastPathComponent):\n\(diff(expected, actual))", file: file, line: line)
    }
  }

  /// The first lines that differ, enough to see what changed.
  static func diff(_ expected: String, _ actual: String) -> String {
    let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
    var out: [String] = []
    for i in 0..<max(e.count, a.count) where (i < e.count ? e[i] : nil) != (i < a.count ? a[i] : nil) {
      out.append(
        "line \(i + 1):\n  expected: \(i < e.count ? e[i] : "<none>")\n  actual:   \(i < a.count ? a[i] : "<none>")")
      if out.count == 5 { break }
    }
    return out.joined(separator: "\n")
  }

  /// The plugin found the scripts: every one on disk is a test.
  func testEveryScriptIsATest() {
    XCTAssertEqual(GoldenFileTests.count, Self.scripts(under: Folder.golden.root).count)
    XCTAssertEqual(ExampleTests.count, Self.scripts(under: Folder.examples.root).count)
    XCTAssertGreaterThan(GoldenFileTests.count, 50, "the golden suite went missing")
    XCTAssertGreaterThan(ExampleTests.count, 4, "the examples went missing")
  }
}

/// Every error golden whose diagnostic suggests an edit (`Diagnostic.fix`,
/// shown on its `help:` line) is run again with the edit made: the
/// suggested code must work, so help can't drift into advice that fails.
final class SuggestedFixTests: XCTestCase {
  func testEverySuggestedFixRuns() {
    let root = GoldenTests.testsDirectory.appendingPathComponent("Golden")
    var fixed = 0
    for script in GoldenTests.scripts(under: root) {
      guard let text = try? String(contentsOf: script, encoding: .utf8) else { continue }
      let name = String(script.path.dropFirst(root.path.count + 1))
      let (errors, _) = Self.errors(of: text, name: name, root: root)
      // (A fix inside a dot-command's argument points into that argument.)
      guard let first = errors.first, let fix = first.fix, first.file?.text == text else { continue }
      fixed += 1
      let edited = fix.applied(to: text)
      let (after, output) = Self.errors(of: edited, name: name, root: root)
      // The fix clears the error; a later, different mistake in the script
      // (goldens that test "stops at the first error") may remain.
      let same = after.first { $0.message == first.message && $0.span == first.span }
      XCTAssertNil(same, "\(name): the suggested fix did not clear the error:\n\(edited)\n\(output)")
      if Self.isSingleMistake(name) {
        XCTAssertTrue(after.isEmpty, "\(name): the suggested fix gives an error:\n\(edited)\n\(output)")
      }
    }
    print("suggested fixes run: \(fixed)")
    XCTAssertGreaterThanOrEqual(fixed, 25, "fewer error goldens carry a fix than before")
  }

  /// Goldens whose point is an error after another one.
  static func isSingleMistake(_ name: String) -> Bool { !name.contains("stops_at_first_error") }

  static func errors(of text: String, name: String, root: URL) -> ([Diagnostic], String) {
    let (session, output) = GoldenTests.run(text, name: name, in: root, readOnly: true)
    return (session.errors, output)
  }
}
