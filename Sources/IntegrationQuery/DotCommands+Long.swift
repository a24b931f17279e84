import Foundation
import IQCore
import IQEngine
import IQOutput
import IQPlan

/// The dot-commands that take more than a few lines, one method each.
extension Session {
  func describe(_ argument: String, span argSpan: Span, file: SourceFile) throws {
    guard !argument.isEmpty else {
      throw Diagnostic(
        ".describe needs a table name or a file in quotes", at: argSpan,
        help: "usage: .describe delayed_days, or .describe \"export.csv\"")
    }
    if argument.hasPrefix("\"") { return try describeFile(argument, span: argSpan, file: file) }
    guard let found = catalog.lookup(argument), let entry = catalog.entry(found) else {
      let guess = closest(to: argument, in: catalog.names)
      throw Diagnostic(
        "unknown table '\(argument)'", at: argSpan,
        help: (guess.map { "did you mean '\($0)'? " } ?? "") + "tables: \(catalog.names.joined(separator: ", "))")
    }
    var header = "\(found): \(entry.description)\n"
    if let n = entry.rowCount { header += "rows: \(groupThousands(String(n)))\n" }
    if !entry.source.isEmpty { header += "source: \(entry.source)\n" }
    try writeResult(header + "\n")
    printedResult = false
    try emit(
      Table(
        fields: [Field("column", .text), Field("type", .text), Field("unit", .text), Field("description", .text)],
        columns: [
          Column(.text(entry.fields.map(\.name))), Column(.text(entry.fields.map(\.type.rawValue))),
          Column(.text(entry.fields.map { entry.columnUnits[$0.name] ?? "" })),
          Column(.text(entry.fields.map { entry.columnNotes[$0.name] ?? "" })),
        ]))
  }

  /// `.describe "FILE" [with …]`: what the reader found in the file, and why a column is text.
  func describeFile(_ argument: String, span argSpan: Span, file: SourceFile) throws {
    let q = SourceFile(name: "<describe>", text: "from " + argument)
    let description: FileDescription
    do {
      let p = try Session.onePipeline(
        q, otherwise: Diagnostic(".describe takes one file in quotes", at: Span(5, q.bytes.count)))
      guard p.steps.count == 1, case .from(let source) = p.steps[0].kind, let (f, _) = try resolver().fileSource(source)
      else {
        throw Diagnostic(".describe takes one file in quotes", at: Span(5, q.bytes.count))
      }
      description = try CSVReader.describe(f, in: directory, cancellation: cancellation)
    } catch var d as Diagnostic {
      if d.span != nil, d.file == nil || d.file?.name == "<describe>" {
        d.moveBy(argSpan.start - 5, into: file)
      } else if d.file == nil {
        d.span = argSpan
        d.file = file
      }
      throw d
    }
    try writeResult(description.facts.joined(separator: "\n") + "\n\n")
    printedResult = false
    let c = description.columns
    try emit(
      Table(
        fields: [Field("column", .text), Field("type", .text), Field("values", .int), Field("note", .text)],
        columns: [
          Column(.text(c.map(\.name))), Column(.text(c.map(\.type.rawValue))),
          Column(.int(c.map { Int64($0.values) })), Column(.text(c.map(\.note))),
        ]))
  }

  func read(_ argument: String, span argSpan: Span, usage: String) throws {
    guard !argument.isEmpty else {
      throw Diagnostic(".read needs a file name", at: argSpan, help: "usage: \(usage)")
    }
    guard readDepth < 16 else {
      throw Diagnostic(".read nested more than 16 deep (does a script read itself?)", at: argSpan)
    }
    let file = filePath(argument, in: directory)
    let kind = (try? FileManager.default.attributesOfItem(atPath: file))?[.type] as? FileAttributeType
    if kind != nil && kind != .typeRegular {
      throw Diagnostic("'\(argument)' is not a regular file; .read reads scripts", at: argSpan)
    }
    guard let data = FileManager.default.contents(atPath: file) else {
      throw Diagnostic(
        "can't read '\(argument)'", at: argSpan,
        help: "check the path; it is relative to the folder iq was started in")
    }
    let script: SourceFile
    do {
      script = try SourceFile.decoding(Array(data), name: argument)
    } catch var d as Diagnostic {
      d.span = argSpan
      throw d
    }
    readDepth += 1
    defer { readDepth -= 1 }
    if !run(script) {
      throw Diagnostic("stopped: '\(argument)' failed", at: argSpan)
    }
  }

  func explain(_ argument: String, span argSpan: Span, file: SourceFile) throws {
    guard !argument.isEmpty else {
      throw Diagnostic(
        ".explain needs a query", at: argSpan, help: "usage: .explain from areas | where region == \"London\" | count"
      )
    }
    do {
      results.write(try Explain.explain(argument, session: self))
    } catch var d as Diagnostic {
      // Point into this line rather than into the quoted query alone.
      if d.span != nil, d.file == nil || d.file?.name == "<explain>" {
        d.moveBy(argSpan.start, into: file)
      }
      throw d
    }
  }
}
