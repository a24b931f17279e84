import ArgumentParser
import Foundation
import IQBuiltins
import IQCore
import IntegrationQuery

#if canImport(Glibc)
  import Glibc
#endif

struct IQ: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "iq",
    abstract: "A query language and shell for the evidence on health and social care integration in England.",
    discussion: """
      With no script, iq opens the interactive shell on the built-in dataset (or, when standard input is not a terminal, runs the statements it reads there).

      Examples:
        iq -c 'from areas | where region == "London" | count'
        iq report.iq --set year='"2016-17"'
        iq --sql 'from england | summarize days = sum(total) by fy'
      """,
    version: IntegrationQuery.version)

  @Argument(help: "Scripts to run in order.")
  var scripts: [String] = []

  // `.unconditional`: a query may start with a minus, `iq -c '-5 + 3'`.
  @Option(
    name: .customShort("c"), parsing: .unconditional,
    help: ArgumentHelp("Run a query (or several statements) given as text.", valueName: "query"))
  var command: String?

  @Flag(help: "Parse and resolve only: report errors, run nothing.")
  var check = false

  @Option(
    name: .customLong("sql"), parsing: .unconditional,
    help: ArgumentHelp("Print the SQL that computes the same result as a query (in --dialect).", valueName: "query")
  )
  var sqlQuery: String?

  @Option(help: "The SQL --sql writes: sqlite (the default), duckdb, postgres, tsql or spark.")
  var dialect: String?

  @Option(
    help: ArgumentHelp(
      "Run queries where the data is: postgresql://user@host:port/db, spark, local[N] or spark://host:port.",
      valueName: "url"))
  var engine: String?

  @Option(
    name: .customLong("export-dataset"),
    help: ArgumentHelp("Print the built-in tables as SQL for a dialect (create + insert).", valueName: "dialect"))
  var exportDataset: String?

  @Option(help: "Output format: table, csv, tsv, json or markdown (default: table on a terminal, csv otherwise).")
  var format: String?

  @Option(
    help: ArgumentHelp(
      "Also load every *.csv, *.tsv and *.xlsx (its first sheet) in DIR as a table named after the file.",
      valueName: "dir"))
  var data: [String] = []

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "Define a value before the scripts run, written as an iq literal (--set budget=£2.5m).", valueName: "name=value"))
  var sets: [String] = []

  func run() throws {
    let session = try makeSession()
    for dir in data {
      do {
        try session.loadDirectory(dir)
      } catch let d as Diagnostic {
        session.report(d)
        throw ExitCode(1)
      }
    }
    for s in sets {
      guard let eq = s.firstIndex(of: "="), !s[..<eq].isEmpty else {
        session.report(Diagnostic("--set takes NAME=VALUE, e.g. --set budget=£2.5m", at: nil))
        throw ExitCode(2)
      }
      session.set(String(s[..<eq]), to: String(s[s.index(after: eq)...]))
    }

    if let engine {
      do {
        try session.connect(engine)
      } catch let d as Diagnostic {
        session.report(d)
        throw ExitCode(1)
      }
      // A script's Ctrl-C cancels the query on the server too (a second
      // one ends iq at once); the shell sets its own.
      CtrlC.catchSignal(once: true)
    }
    if let exportDataset {
      session.dialect = try Self.dialect(named: exportDataset)
      try session.exportDataset()
      return
    }
    if let sqlQuery {
      let file = SourceFile(name: "<command>", text: sqlQuery)
      do {
        print(try session.sqlText(sqlQuery, span: Span(0, file.bytes.count), file: file), terminator: "")
        return
      } catch let d as Diagnostic {
        session.report(d.in(file))
        throw ExitCode(1)
      }
    }
    var sources: [SourceFile] = []
    if let command { sources.append(SourceFile(name: "<command>", text: command)) }
    for path in scripts {
      guard let bytes = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("iq: can't read \(path)\n".utf8))
        throw ExitCode(2)
      }
      do {
        sources.append(try SourceFile.decoding(Array(bytes), name: path))
      } catch let d as Diagnostic {
        session.report(d)
        throw ExitCode(2)
      }
    }
    if !sources.isEmpty {
      let unused = session.unusedSettings(in: sources)
      unused.forEach(session.report)
      if !unused.isEmpty { throw ExitCode(2) }
    }
    if check {
      guard !sources.isEmpty else { throw ValidationError("--check needs a script or -c") }
      for s in sources where !session.check(s) { throw ExitCode(1) }
      return
    }
    if sources.isEmpty {
      if isatty(STDIN_FILENO) == 1 {
        let shell = InteractiveShell(session: session)
        throw ExitCode(shell.run())
      }
      let input = FileHandle.standardInput.readDataToEndOfFile()
      let text = String(decoding: input, as: UTF8.self)
      if let d = Session.dataOnStandardInput(text) {
        session.report(d)
        throw ExitCode(2)
      }
      let ok = session.run(SourceFile(name: "<stdin>", text: text), continueOnError: true)
      throw ExitCode(ok ? 0 : 1)
    }
    for s in sources {
      if !session.run(s) { throw ExitCode(1) }
      if session.quitRequested { break }
    }
  }
  /// The session on the built-in data, as the options and the terminal say:
  /// format, colour, where the tutorial keeps its place.
  func makeSession() throws -> Session {
    let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    let session = Session.builtIn(results: .standardOutput, messages: .standardError, cancellation: CtrlC.cancellation)
    let environment = ProcessInfo.processInfo.environment
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    session.tutorialPath = environment["IQ_TUTORIAL"] ?? (home as NSString).appendingPathComponent(".iq_tutorial")
    let colour = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    session.palette = colour ? .ansi : .plain
    if let format {
      guard let f = OutputFormat(rawValue: format.lowercased()) ?? (format.lowercased() == "md" ? .markdown : nil)
      else {
        throw ValidationError("unknown format '\(format)'; the formats are table, csv, tsv, json, markdown")
      }
      session.format = f
    } else {
      session.format = stdoutIsTerminal ? .table : .csv
    }
    if !stdoutIsTerminal { session.limits = .unlimited }
    if let dialect { session.dialect = try Self.dialect(named: dialect) }
    return session
  }

  static func dialect(named name: String) throws -> SQLDialect {
    guard let d = SQLDialect(rawValue: name.lowercased()) else {
      let names = SQLDialect.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("unknown dialect '\(name)'; the dialects are \(names)")
    }
    return d
  }
}

do {
  var command = try IQ.parseAsRoot()
  try command.run()
} catch let code as ExitCode {
  exit(code.rawValue)
} catch {
  // Help and --version exit 0; any other usage error exits 2.
  let code = IQ.exitCode(for: error)
  let message = IQ.fullMessage(for: error)
  if code == .success {
    print(message)
    exit(0)
  }
  FileHandle.standardError.write(Data((message + "\n").utf8))
  exit(2)
}

extension Sink {
  /// A standard output that cannot be written (a full disk, a closed
  /// pipe) ends iq with a message and status 1, as `cat` does. Only the
  /// executable ends the process; the library reports.
  static let standardOutput = Sink { text in
    guard let e = writeAll(1, text) else { return }
    _ = writeAll(2, "iq: can't write the results: \(String(cString: strerror(e)))\n")
    exit(1)
  }
  static let standardError = Sink { _ = writeAll(2, $0) }
}

/// What Ctrl-C sets: the process has one, because a signal handler can
/// reach only a global, and hands it to its one session. (A static, so it
/// exists before the top-level code that uses it runs.)
enum CtrlC {
  static let cancellation = Cancellation()

  /// Ctrl-C asks a running query to stop; it also interrupts libedit's
  /// read (no SA_RESTART). `once`: the next Ctrl-C ends iq as usual.
  static func catchSignal(once: Bool) {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in CtrlC.cancellation.requestFromSignal() }
    sigemptyset(&action.sa_mask)
    action.sa_flags = once ? Int32(truncatingIfNeeded: SA_RESETHAND) : 0
    sigaction(SIGINT, &action, nil)
  }
}
