import Foundation
import IQBuiltins
import IQCore
import IQDataset
import IQEngine
import IQOutput
import IQPlan
import IQRemote
import IQSyntax
import IQWorkbook

/// Where a session writes: results, and messages (diagnostics, notes).
public struct Sink {
  public var write: (String) -> Void
  public init(_ write: @escaping (String) -> Void) { self.write = write }
}

/// Writes all of `text` to a file descriptor; the error number if it can't.
public func writeAll(_ fd: Int32, _ text: String) -> Int32? {
  var text = text
  return text.withUTF8 { buffer -> Int32? in
    var done = 0
    while done < buffer.count {
      let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
      if n < 0 {
        if errno == EINTR { continue }
        return errno
      }
      done += n
    }
    return nil
  }
}

/// Runs statements: scripts, `-c` text and shell input share it. Holds the
/// catalog, `let` values and the settings dot-commands change.
public final class Session {
  public let catalog: Catalog
  public var values: [String: Value] = [:]
  /// Values set with `--set`: a script's own `let` of the same name is skipped.
  public var overrides: Set<String> = []
  public var format: OutputFormat = .table
  /// The SQL `.sql` and `--sql` write (`--dialect`, or the engine's).
  public var dialect: SQLDialect = .sqlite
  /// Where pipelines over the engine's tables run (`--engine`, `.engine`), and those tables.
  public internal(set) var engine: Engine?
  var remoteTables: [String: RemoteTable] = [:]
  public var limits = TableLimits()
  public var timer = false
  public var palette: Palette = .plain
  public var results: Sink
  public var messages: Sink
  /// `.output FILE` sends results here until `.output` alone.
  /// `.output FILE`: where results go, and the format its extension says (nil: the session's).
  var outputFile: (fd: Int32, path: String, format: OutputFormat?)?
  /// `.output out.xlsx`: each result is a sheet of this workbook
  /// (`Sheet1`, `Sheet2`, …), saved as it comes.
  var outputWorkbook: (path: String, sheets: Int)?
  /// Lines of history, for `.history` (the shell sets this).
  public var history: () -> [String] = { [] }
  /// Set by `.quit`.
  public private(set) var quitRequested = false
  var readDepth = 0
  /// Where `.tutorial` keeps progress between sessions (nil: only in memory).
  public var tutorialPath: String?
  /// The tutorial, while it is on.
  var tutorialProgress: TutorialProgress?
  /// The current lesson's answer, so it is not worked out after every query.
  var tutorialAnswer: (lesson: Int, table: Table, chart: ChartKind?)?
  /// No `save`, `.output` or chart file (the fuzzers run this way).
  public var readOnly = false
  /// Where relative file names in statements are read and written (nil:
  /// the folder iq was started in). The golden tests run each script in
  /// its own folder this way, without changing the process's.
  public var directory: String? {
    get { catalog.directory }
    set { catalog.directory = newValue }
  }
  var printedResult = false

  /// Requested by Ctrl-C (the shell's signal handler); everything this
  /// session runs polls it, and nothing else does.
  public let cancellation: Cancellation

  public init(catalog: Catalog, results: Sink, messages: Sink, cancellation: Cancellation = Cancellation()) {
    self.catalog = catalog
    self.cancellation = cancellation
    catalog.cancellation = cancellation
    self.results = results
    self.messages = messages
  }

  /// A session on the built-in dataset.
  public static func builtIn(results: Sink, messages: Sink, cancellation: Cancellation = Cancellation()) -> Session {
    Session(catalog: Dataset.catalog(), results: results, messages: messages, cancellation: cancellation)
  }

  /// A value given before the scripts run (`--set NAME=VALUE`, split by
  /// the executable): a VALUE written as an iq literal (`"2016-17"`,
  /// `£2.5m`, `90%`, `@2015-04`) is that value; anything else is text, so
  /// `--set fy=2016-17` is `"2016-17"` as people type it, never 2016 − 17.
  public func set(_ name: String, to raw: String) {
    values[name] = Session.literal(raw) ?? .text(raw)
    overrides.insert(name)
  }

  /// The value of text that is one iq literal (the parser folds a minus
  /// into it: `-3.5`, `-£5`); nil for anything else (an expression, a name,
  /// a literal with more after it).
  static func literal(_ text: String) -> Value? {
    var parser = Parser(SourceFile(name: "--set", text: text))
    guard let expr = try? parser.parseExpression(), parser.current.kind == .endOfInput,
      case .literal(let value) = expr.kind
    else { return nil }
    return value
  }

  /// `--set` names that no `let` in the scripts defines: each is a usage
  /// error, with the closest name the scripts do define.
  public func unusedSettings(in sources: [SourceFile]) -> [Diagnostic] {
    // Without --set there is nothing to check: the scripts are not parsed twice.
    guard !overrides.isEmpty else { return [] }
    var defined: [String] = []
    for file in sources {
      for s in Parser.parse(file).statements {
        if case .letValue(let name, _) = s.kind { defined.append(name.text) }
      }
    }
    return overrides.sorted().filter { !defined.contains($0) }.map { name in
      let help =
        closest(to: name, in: defined).map { "did you mean '\($0)'? (--set \($0)=…)" }
        ?? (defined.isEmpty
          ? "the scripts define no values with 'let'; --set gives a value to a script's 'let NAME = …'"
          : "the scripts' values: \(Array(Set(defined)).sorted().joined(separator: ", "))")
      return Diagnostic(
        "--set \(name): no 'let \(name) = …' in the scripts, so it would change nothing", at: nil, help: help)
    }
  }

  // MARK: - Running

  /// Runs every statement of a source in turn, stopping at the first error.
  /// Returns false if any statement failed.
  @discardableResult
  public func run(_ file: SourceFile, continueOnError: Bool = false) -> Bool {
    let (statements, diagnostics) = Parser.parse(file)
    if !continueOnError, let first = diagnostics.first {
      report(first)
      return false
    }
    // Statements and syntax errors in the order they stand in the text.
    var pending = diagnostics
    var ok = diagnostics.isEmpty
    for s in statements {
      while let d = pending.first, (d.span?.start ?? 0) < s.span.start {
        report(d)
        pending.removeFirst()
      }
      if quitRequested { return ok }
      do {
        try execute(s, in: file)
      } catch let d as Diagnostic {
        report(d.in(file))
        ok = false
        if !continueOnError { return false }
      } catch {
        report(Diagnostic("\(error)", at: s.span).in(file))
        ok = false
        if !continueOnError { return false }
      }
    }
    pending.forEach(report)
    return ok
  }

  /// Parses and resolves only (`--check`); returns false if anything is wrong.
  public func check(_ file: SourceFile) -> Bool {
    let (statements, diagnostics) = Parser.parse(file)
    for d in diagnostics { report(d) }
    guard diagnostics.isEmpty else { return false }
    var types: [String: DataType] = [:]
    for (k, v) in values { types[k] = v.type }
    for s in statements {
      do {
        let resolver = resolver(valueTypes: types)
        switch s.kind {
        case .pipeline(let p): _ = try resolver.resolve(p)
        case .letPipeline(let name, let p):
          let plan = try resolver.resolve(p)
          catalog.add(
            name.text,
            Catalog.Entry(
              fields: plan.fields, description: "let result",
              load: { throw Diagnostic("not run under --check", at: nil) }))
        case .letValue(let name, let e):
          if !overrides.contains(name.text) { types[name.text] = try resolver.resolveValue(e).type }
        case .expression(let e): _ = try resolver.resolveValue(e)
        case .dotCommand: break
        }
      } catch let d as Diagnostic {
        report(d.in(file))
        return false
      } catch {
        return false
      }
    }
    return true
  }

  /// How many errors were reported, and the latest of them (the tests
  /// apply their fixes); a long shell session keeps only the last hundred.
  public private(set) var errorCount = 0
  public private(set) var errors: [Diagnostic] = []

  public func report(_ d: Diagnostic) {
    if d.severity == .error {
      errorCount += 1
      errors.append(d)
      if errors.count > 100 { errors.removeFirst(errors.count - 100) }
    }
    messages.write(d.rendered(palette: palette))
  }

  func execute(_ s: Statement, in file: SourceFile) throws {
    switch s.kind {
    case .pipeline(let p):
      let start = DispatchTime.now()
      let outcome = try evaluate(p)
      if let chart = outcome.chart {
        try draw(outcome.table, chart)
      } else {
        try emit(outcome.table, warnings: outcome.warnings.count)
      }
      for w in outcome.warnings.diagnostics { report(w.in(file)) }
      checkTutorial(outcome)
      if timer { reportTime(since: start, warnings: outcome.warnings.count) }
    case .letPipeline(let name, let p):
      if Dataset.tableNames.contains(name.text) {
        throw Diagnostic("'\(name.text)' is a built-in table; choose another name", at: name.span)
      }
      let start = DispatchTime.now()
      let outcome = try evaluate(p)
      let (table, warnings) = (outcome.table, outcome.warnings)
      for w in warnings.diagnostics { report(w.in(file)) }
      if timer { reportTime(since: start, warnings: warnings.count) }
      catalog.add(
        name.text, table: table, description: "let \(name.text) = … (\(groupThousands(String(table.rowCount))) rows)")
    case .letValue(let name, let e):
      if overrides.contains(name.text) { return }
      let r = try resolver().resolveValue(e)
      let warnings = Warnings()
      values[name.text] = try Compiler.evaluateConstant(r, warnings: warnings)
      for w in warnings.diagnostics { report(w.in(file)) }
    case .expression(let e):
      let r = try resolver().resolveValue(e)
      let warnings = Warnings()
      let v = try Compiler.evaluateConstant(r, warnings: warnings)
      try emit(Table(fields: [Field("value", r.type)], columns: [Column.repeating(v, type: r.type, count: 1)]))
      for w in warnings.diagnostics { report(w.in(file)) }
    case .dotCommand(let name, let argument):
      try dotCommand(name, argument, span: s.span, file: file)
    }
  }

  /// The resolver for this session's tables and `let` values: the one
  /// place one is made.
  func resolver(valueTypes: [String: DataType] = [:], catalog: Catalog? = nil) -> Resolver {
    Resolver(catalog: catalog ?? self.catalog, values: values, valueTypes: valueTypes)
  }

  /// Resolves and runs one pipeline: the one path every caller takes
  /// (statements, `.explain`, help examples, the tutorial's answers).
  /// `saving: false` runs `save` steps without writing (`.explain`);
  /// `after` sees each step's table.
  public func evaluate(_ p: Pipeline, saving: Bool = true, after: ((Int, Table) -> Void)? = nil) throws
    -> QueryOutcome
  {
    lastStreamed = false
    if after == nil, let outcome = try streamed(p, saving: saving) {
      lastStreamed = true
      return outcome
    }
    let plan = try resolver().resolve(p)
    defer { catalog.forgetFiles() }
    if let engine, case .scan(.named(let table))? = plan.steps.first?.step, remoteTables[table] != nil {
      return try evaluate(plan, on: engine, saving: saving, after: after)
    }
    return try Executor.run(
      plan, catalog: catalog, cancellation: cancellation, after: after, save: saveStep(saving: saving))
  }

  /// What a `save` step does: writes the table, or with `saving: false` (`.explain`) nothing.
  func saveStep(saving: Bool) -> (Table, String, String?, Span) throws -> Void {
    { [unowned self] t, path, sheet, span in
      if saving { try self.save(t, to: path, sheet: sheet, span: span) }
    }
  }

  /// Blocks of a file this size when a summarize streams it (tests make them small).
  package var streamBlockSize = CSVReader.blockSize
  /// Blocks read at once when streaming (nil: two a core), and whether the last pipeline streamed.
  package var streamBlocksAtOnce: Int?
  package private(set) var lastStreamed = false

  /// A pipeline that summarizes a large file, run a block of the file at a
  /// time (`Executor.streamed`), its plan resolved against the types of the
  /// file's first block; nil when it is not such a pipeline or the file
  /// turns out not to be one to stream, and the caller reads it whole.
  func streamed(_ p: Pipeline, saving: Bool) throws -> QueryOutcome? {
    guard case .from(.file)? = p.steps.first?.kind,
      p.steps.contains(where: { $0.verb == .summarize || $0.verb == .count })
    else { return nil }
    var stream: CSVStream?
    let sniffing = catalog.copy { [streamBlockSize, streamBlocksAtOnce] file, directory, columns, cancellation in
      guard stream == nil,
        let s = try CSVStream(
          file, directory: directory, columns: columns, blockSize: streamBlockSize, blocksAtOnce: streamBlocksAtOnce,
          cancellation: cancellation)
      else { throw Executor.NotStreamed() }
      stream = s
      return FileRead(table: s.schema, warnings: [])
    }
    do {
      let plan = try resolver(catalog: sniffing).resolve(p)
      guard let stream, let k = Executor.streamableSummarize(plan) else { return nil }
      return try Executor.streamed(
        plan, summarizeAt: k, catalog: catalog, cancellation: cancellation, blocks: stream.run,
        save: saveStep(saving: saving))
    } catch {
      // An error is found again, and told as it is, reading the file whole.
      try cancellation.check()
      return nil
    }
  }

  /// Parses text that must be one pipeline (a help example, a lesson's
  /// answer, the query of `.sql` or `.explain`); `otherwise` is the error
  /// when it is something else.
  public static func onePipeline(_ file: SourceFile, otherwise: Diagnostic) throws -> Pipeline {
    let (statements, diagnostics) = Parser.parse(file)
    if let d = diagnostics.first { throw d }
    guard statements.count == 1, case .pipeline(let p) = statements[0].kind else { throw otherwise }
    return p
  }

  /// A chart in the terminal (or `.output` file), and as SVG when it says `to "file.svg"`.
  func draw(_ table: Table, _ chart: ChartSpec) throws {
    if printedResult { try writeResult("\n") }
    try writeResult(TextChart.render(table, spec: chart, width: limits.maxWidth ?? 100))
    printedResult = true
    guard let path = chart.path else { return }
    // Drawn before the checks, so that a read-only session (the fuzzers) draws it too.
    let svg = SVGChart.render(table, spec: chart)
    try checkWritable(path, span: chart.pathSpan)
    try writeAtomically(svg, to: path, span: chart.pathSpan ?? .none)
    messages.write("chart written to \(path)\n")
  }

  func emit(_ table: Table, warnings: Int = 0) throws {
    if let book = outputWorkbook {
      let n = book.sheets + 1
      outputWorkbook?.sheets = n
      try save(table, to: book.path, sheet: n == 1 ? nil : "Sheet\(n)", span: .none)
      return
    }
    var limits = outputFile == nil ? self.limits : TableLimits(maxRows: nil)
    limits.warnings = warnings
    let format = outputFile?.format ?? self.format
    let text = try Output.render(table, as: format, limits: limits, cancellation: cancellation)
    if printedResult && (format == .table || format == .markdown) { try writeResult("\n") }
    try writeResult(text)
    printedResult = true
  }

  /// Results go to the `.output` file if there is one; if it can't be
  /// written (a full disk), it is closed and results come back to the screen.
  func writeResult(_ text: String) throws {
    // A large result goes out a piece at a time, so that Ctrl-C stops it.
    let piece = 1 << 18
    if text.utf8.count > piece {
      var text = text
      try text.withUTF8 { bytes in
        var start = 0
        while start < bytes.count {
          try cancellation.check()
          var end = min(start + piece, bytes.count)
          while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }  // whole characters
          try writeResult(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
          start = end
        }
      }
      return
    }
    guard let out = outputFile else { return results.write(text) }
    guard let e = writeAll(out.fd, text) else { return }
    close(out.fd)
    outputFile = nil
    throw Diagnostic(
      "can't write to '\(out.path)': \(String(cString: strerror(e)))", at: nil,
      help: "results are shown here again; .output FILE to try another file")
  }

  func reportTime(since start: DispatchTime, warnings: Int = 0) {
    let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
    let count = warnings == 0 ? "" : ", \(warnings) warning\(warnings == 1 ? "" : "s")"
    messages.write(String(format: "time: %.1f ms", ms) + count + "\n")
  }

  // MARK: - Files

  /// Refuses to write over anything but a regular file: a device or FIFO
  /// named by mistake is never replaced.
  func checkWritable(_ path: String, span: Span?) throws {
    if readOnly { throw Diagnostic("this session writes no files", at: span) }
    let file = filePath(path, in: directory)
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: file, isDirectory: &isDir) {
      let kind = (try? FileManager.default.attributesOfItem(atPath: file))?[.type] as? FileAttributeType
      if isDir.boolValue || kind != .typeRegular {
        throw Diagnostic("'\(path)' exists and is not a regular file; iq writes only regular files", at: span)
      }
    }
  }

  /// `save`: written beside the target and renamed over it, so a failed
  /// write leaves any old file whole. A workbook with `sheet` keeps the
  /// target's other sheets.
  func save(_ t: Table, to path: String, sheet: String? = nil, span: Span) throws {
    try checkWritable(path, span: span)
    if (path as NSString).pathExtension.lowercased() == "xlsx" {
      let file = filePath(path, in: directory)
      let existing = sheet != nil && FileManager.default.fileExists(atPath: file) ? file : nil
      try replaceAtomically(path, span: span) { temp in
        try WorkbookWriter.write(
          t, sheet: sheet, existing: existing, name: path, to: temp, cancellation: cancellation)
      }
    } else {
      let format = OutputFormat(fileExtension: (path as NSString).pathExtension)!
      try writeAtomically(
        try Output.render(t, as: format, limits: .unlimited, cancellation: cancellation), to: path, span: span)
    }
    let into = sheet.map { " (sheet \($0))" } ?? ""
    messages.write("saved \(groupThousands(String(t.rowCount))) row\(t.rowCount == 1 ? "" : "s") to \(path)\(into)\n")
  }

  /// Writes text beside the target and renames it over the target.
  func writeAtomically(_ text: String, to path: String, span: Span) throws {
    try replaceAtomically(path, span: span) { temp in
      let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      guard fd >= 0 else { throw SystemError(code: errno) }
      defer { close(fd) }
      if let e = writeAll(fd, text) { throw SystemError(code: e) }
    }
  }

  /// An errno from writing a file.
  struct SystemError: Error {
    var code: Int32
  }

  /// `write` makes the new file at a temporary path beside the target; it
  /// is flushed to disk and renamed over the target: a failed or
  /// interrupted write leaves any old file whole. The new file keeps the
  /// old one's permissions.
  func replaceAtomically(_ path: String, span: Span, write: (String) throws -> Void) throws {
    let file = filePath(path, in: directory)
    let url = URL(fileURLWithPath: file)
    let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).iq-\(getpid()).tmp")
      .path
    func fail(_ e: Int32) -> Diagnostic {
      unlink(temp)
      return Diagnostic("can't save to '\(path)': \(String(cString: strerror(e)))", at: span)
    }
    var old = stat()
    let mode = stat(file, &old) == 0 ? old.st_mode & 0o777 : 0o644
    unlink(temp)
    do {
      try write(temp)
    } catch let e as SystemError {
      throw fail(e.code)
    } catch var d as Diagnostic {
      unlink(temp)
      if d.span == nil { d.span = span }
      throw d
    } catch {
      unlink(temp)
      throw error
    }
    let fd = open(temp, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw fail(errno) }
    if fchmod(fd, mode) != 0 || fsync(fd) != 0 {
      let e = errno
      close(fd)
      throw fail(e)
    }
    close(fd)
    // rename(2) replaces the target in one step.
    guard rename(temp, file) == 0 else { throw fail(errno) }
  }

  func redirectOutput(_ path: String?, span: Span) throws {
    printedResult = false
    if let out = outputFile { close(out.fd) }
    outputFile = nil
    outputWorkbook = nil
    guard let path, !path.isEmpty else { return }
    try checkWritable(path, span: span)
    if (path as NSString).pathExtension.lowercased() == "xlsx" {
      outputWorkbook = (path, 0)
      return
    }
    let fd = open(filePath(path, in: directory), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw Diagnostic(
        "can't write to '\(path)': \(String(cString: strerror(errno)))", at: span,
        help: "check that the folder exists and you may write there")
    }
    outputFile = (fd, path, OutputFormat(fileExtension: (path as NSString).pathExtension))
  }

  public func quit() { quitRequested = true }
}

extension Session {
  /// `--data DIR`: every `*.csv`, `*.tsv` and `*.xlsx` (its first sheet) in
  /// DIR becomes a table named after the file.
  public func loadDirectory(_ dir: String) throws {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
      throw Diagnostic("can't read the folder '\(dir)'", at: nil)
    }
    for name in names.sorted() where [".csv", ".tsv", ".xlsx", ".xlsm"].contains(where: name.lowercased().hasSuffix) {
      let path = (dir as NSString).appendingPathComponent(name)
      let table = (name as NSString).deletingPathExtension
      if Dataset.tableNames.contains(table) {
        throw Diagnostic("\(path): '\(table)' is a built-in table; rename the file", at: nil)
      }
      let read = try CSVReader.read(path: path, cancellation: cancellation)
      read.warnings.forEach(report)
      let t = read.table
      catalog.add(
        table,
        Catalog.Entry(fields: t.fields, description: "from \(path)", source: path, rowCount: t.rowCount, load: { t }))
    }
  }
}

extension Session {
  /// Statements piped to iq are run; a data file piped to it (`cat f.csv |
  /// iq`) is not read as statements but refused, with the way to query it.
  /// Data: text that doesn't parse, whose first lines have delimiters and
  /// none starts as a statement does.
  public static func dataOnStandardInput(_ text: String) -> Diagnostic? {
    let lines = text.split(whereSeparator: \.isNewline).lazy.map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }.prefix(5)
    func isStatement(_ line: String) -> Bool {
      let word = line.prefix { $0.isLetter || $0 == "_" }.lowercased()
      return ["from", "let"].contains(word) || line.hasPrefix(".") || line.hasPrefix("#") || line.hasPrefix("--")
    }
    guard let first = lines.first, !lines.contains(where: isStatement),
      lines.contains(where: { $0.contains(where: { ",;\t".contains($0) }) }),
      !Parser.parse(SourceFile(name: "<stdin>", text: text)).1.isEmpty
    else { return nil }
    return Diagnostic(
      "standard input looks like a data file, not iq statements: \(Value.text(String(first.prefix(40))).literalText)",
      at: nil, help: "to query it: cat data.csv | iq -c 'from stdin | take 10'")
  }
}
