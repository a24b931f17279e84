import Foundation
import IQBuiltins
import IQCore
import IQPlan
import IQSQL
import IQSyntax

/// The dot-commands of section 7: the same in the shell and in scripts.
public enum DotCommand: String, CaseIterable, Sendable {
  case help, tables, describe, explain, sql, dialect, engine, mode, timer, output, read, history, sources, tutorial,
    quit

  public var usage: String {
    switch self {
    case .help: return ".help [topic]"
    case .tables: return ".tables"
    case .describe: return ".describe TABLE | \"FILE\""
    case .explain: return ".explain QUERY"
    case .sql: return ".sql QUERY"
    case .dialect: return ".dialect sqlite|duckdb|postgres|tsql|spark"
    case .engine: return ".engine URL"
    case .tutorial: return ".tutorial [next|hint|answer|N|reset]"
    case .mode: return ".mode table|csv|tsv|json|markdown"
    case .timer: return ".timer on|off"
    case .output: return ".output [FILE]"
    case .read: return ".read FILE"
    case .history: return ".history"
    case .sources: return ".sources"
    case .quit: return ".quit"
    }
  }

  /// An example on the built-in data, run live by `.help` (none for
  /// commands that change the session or the files).
  public var example: String? {
    switch self {
    case .tables: return ".tables"
    case .describe: return ".describe england"
    case .explain: return ".explain from areas | where region == \"London\" | count"
    case .sql: return ".sql from areas | where region == \"London\" | count"
    case .dialect: return ".dialect postgres\n.sql from areas | where region == \"London\" | count"
    case .mode: return ".mode csv\nfrom bcf | select pooled, plans"
    case .sources: return ".sources"
    case .help: return ".help count"
    case .timer: return ".timer on\nfrom delay_reasons | count"
    case .tutorial: return ".tutorial 1"
    // .output, .read, .history and .quit change files or the session.
    default: return nil
    }
  }

  public var summary: String {
    switch self {
    case .help: return "this help, or help on a verb, function or topic"
    case .tables: return "the tables you can query, with their row counts"
    case .describe:
      return
        "a table's columns, types and meanings, and its source; for a file, what iq found in it and why a column is text"
    case .explain: return "what each step of a query does, in plain English, with the rows after it"
    case .sql:
      return "the SQL that computes the same result, in the current dialect (SQLite's unless .dialect or .engine says)"
    case .dialect: return "which SQL .sql writes: SQLite, DuckDB, PostgreSQL, T-SQL (SQL Server) or Spark SQL"
    case .engine:
      return
        "run queries where the data is: .engine postgresql://user@host:port/db, .engine spark (or local[N], spark://host:port); .engine alone says which"
    case .tutorial: return "short lessons that rebuild the NAO's findings from the data"
    case .mode: return "how results are printed"
    case .timer: return "print how long each query took"
    case .output:
      return
        "send results to a file, in the format its name says (.csv, .tsv, .json, .md, .xlsx: a sheet per result; else as on screen); .output alone sends them back to the screen"
    case .read: return "run the statements in a script file"
    case .history: return "the statements you have entered"
    case .sources: return "where the built-in data comes from, and its licences"
    case .quit: return "leave iq"
    }
  }
}

extension Session {
  func dotCommand(_ name: String, _ argument: String, span: Span, file: SourceFile) throws {
    let argSpan = argument.isEmpty ? Span(span.end, span.end) : Span(span.end - argument.utf8.count, span.end)
    let nameSpan = Span(span.start, span.start + 1 + name.utf8.count)
    guard let command = DotCommand(rawValue: name) ?? (name == "exit" ? .quit : nil) else {
      let guess = closest(to: name, in: DotCommand.allCases.map(\.rawValue))
      throw Diagnostic(
        "unknown dot-command '.\(name)'", at: nameSpan,
        help: (guess.map { "did you mean '.\($0)'? " } ?? "") + "'.help' lists them")
    }
    func noArgument() throws {
      if !argument.isEmpty {
        throw Diagnostic(".\(name) takes no argument", at: argSpan, help: "usage: \(command.usage)")
      }
    }
    switch command {
    case .help:
      results.write(try Help.text(argument, session: self, span: argSpan))
    case .tables:
      try noArgument()
      let names = catalog.names
      let rows = names.map { catalog.entry($0)!.rowCount.map(Int64.init) }
      try emit(
        Table(
          fields: [Field("table", .text), Field("rows", .int), Field("description", .text)],
          columns: [
            Column(.text(names)), Column(.int(rows.map { $0 ?? 0 }), valid: rows.map { $0 != nil }),
            Column(.text(names.map { catalog.entry($0)!.description })),
          ]))
    case .describe:
      try describe(argument, span: argSpan, file: file)

    case .dialect:
      guard let d = SQLDialect(rawValue: argument.lowercased()) else {
        throw Diagnostic(
          argument.isEmpty ? "the dialect is \(dialect.rawValue)" : "unknown dialect '\(argument)'", at: argSpan,
          help: "usage: \(command.usage)")
      }
      dialect = d
    case .engine:
      if argument.isEmpty {
        messages.write((engine.map { "queries over its tables run on \($0.label)" } ?? "queries run in iq") + "\n")
        return
      }
      // Its errors show no source line: the URL may hold a password.
      try connect(argument)
      messages.write("connected: \(engine!.label), \(remoteTables.count) tables\n")
    case .mode:
      guard let f = OutputFormat(rawValue: argument.lowercased()) ?? (argument.lowercased() == "md" ? .markdown : nil)
      else {
        throw Diagnostic(
          argument.isEmpty ? "the mode is \(format.rawValue)" : "unknown mode '\(argument)'", at: argSpan,
          help: "usage: \(command.usage)")
      }
      format = f
    case .timer:
      switch argument.lowercased() {
      case "on": timer = true
      case "off": timer = false
      default: throw Diagnostic(".timer takes on or off", at: argSpan, help: "usage: \(command.usage)")
      }
    case .output:
      try redirectOutput(argument.isEmpty ? nil : argument, span: argSpan)
    case .read:
      try read(argument, span: argSpan, usage: command.usage)

    case .history:
      try noArgument()
      let lines = history()
      let width = String(lines.count).count
      results.write(
        lines.enumerated().map { i, l in
          let n = String(i + 1)
          return String(repeating: " ", count: width - n.count) + n + "  "
            + l.replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: width + 2))
        }.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"))
    case .explain:
      try explain(argument, span: argSpan, file: file)

    case .sql:
      guard !argument.isEmpty else {
        throw Diagnostic(".sql needs a query", at: argSpan, help: "usage: .sql from areas | count")
      }
      results.write(try sqlText(argument, span: argSpan, file: file))
    case .tutorial:
      try tutorialCommand(argument, span: argSpan)
    case .sources:
      try noArgument()
      results.write(Help.sources)
    case .quit:
      quit()
    }
  }
}
