import Foundation
import PackagePlugin

/// Makes one XCTest method per golden script (Tests/…/Golden/**/*.iq) and
/// per example (Examples/*.iq), so each is reported, and can be run, by
/// its own name: `swift test --filter GoldenFileTests.test_verbs_join_left`.
/// The list is made at build time from the files there, so a new golden is
/// a test as soon as it exists.
@main
struct GoldenCases: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    guard let target = target as? SourceModuleTarget else { return [] }
    let golden = target.directoryURL.appending(path: "Golden")
    let examples = context.package.directoryURL.appending(path: "Examples")
    let output = context.pluginWorkDirectoryURL.appending(path: "GoldenCases.swift")
    return [
      .buildCommand(
        displayName: "Listing the golden scripts",
        executable: try context.tool(named: "golden-cases").url,
        arguments: [golden.path, examples.path, output.path],
        inputFiles: scripts(under: golden) + scripts(under: examples),
        outputFiles: [output])
    ]
  }

  func scripts(under root: URL) -> [URL] {
    let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
    var found: [URL] = []
    while let u = walker?.nextObject() as? URL {
      if u.pathExtension == "iq" { found.append(u) }
    }
    return found
  }
}
