import IQBuiltins
import IQCore
import IQDataset
import IQEngine
import IQPlan
import IQRemote
import IQSQL
import IQSyntax

extension Session {
  /// The SQL, in the session's dialect, for a query or a script whose
  /// last statement is a query: `let` tables before it become CTEs and
  /// `let` values constants. Errors point into the text as written.
  public func sqlText(_ query: String, span: Span, file: SourceFile) throws -> String {
    let q = SourceFile(name: "<sql>", text: query)
    do {
      return try sql(for: q).text
    } catch var d as Diagnostic {
      if d.span != nil, d.file == nil || d.file?.name == "<sql>" {
        d.moveBy(span.start, into: file)
      }
      throw d
    }
  }

  /// A translator to the session's dialect over these tables: the built-in
  /// ones carry their order in `_row` as --export-dataset writes them, and an
  /// engine's tables as it says.
  func translator(reading tables: Catalog, dialect: SQLDialect? = nil) -> SQLTranslator {
    SQLTranslator(
      dialect: dialect ?? self.dialect, fieldsOf: { tables.entry($0)?.fields },
      hasRowColumn: { [remoteTables, engine] name in
        engine == nil ? Dataset.tableNames.contains(name) : remoteTables[name]?.hasRowColumn ?? false
      })
  }

  /// The SQL of a script's last query, and the plan it was written from.
  func sql(for file: SourceFile) throws -> (text: String, plan: Plan) {
    let (statements, diagnostics) = Parser.parse(file)
    if let d = diagnostics.first { throw d }
    let whole = Span(0, file.bytes.count)
    guard case .pipeline(let last)? = statements.last?.kind else {
      throw Diagnostic("SQL is written for a query", at: whole, help: "end with a query: from areas | count")
    }
    // A catalog of its own, so that the lets are seen by this script only.
    let tables = catalog.copy()
    var values = self.values
    var translator = translator(reading: tables)
    for s in statements.dropLast() {
      let resolver = Resolver(catalog: tables, values: values, valueTypes: [:])
      switch s.kind {
      case .letPipeline(let name, let p):
        let plan = try resolver.resolve(p)
        try translator.addLet(plan, name: name.text)
        tables.add(
          name.text,
          Catalog.Entry(fields: plan.fields, description: "let \(name.text)") {
            throw Diagnostic("'\(name.text)' is computed by the engine", at: name.span)
          })
      case .letValue(let name, let e):
        if overrides.contains(name.text) { continue }
        values[name.text] = try Compiler.evaluateConstant(resolver.resolveValue(e), warnings: Warnings())
      case .dotCommand: continue
      case .pipeline, .expression:
        throw Diagnostic(
          "SQL is written for one query; this script has more", at: s.span,
          help: "keep one query, at the end; name earlier results with let")
      }
    }
    let plan = try Resolver(catalog: tables, values: values, valueTypes: [:]).resolve(last)
    return (try translator.translate(plan), plan)
  }
}

extension Session {
  /// The built-in tables as SQL for the session's dialect (`--export-dataset`).
  public func exportDataset() throws {
    for name in Dataset.tableNames {
      TableExport.write(try catalog.table(name), name: name, dialect: dialect) { results.write($0) }
    }
  }
}

extension Session {
  /// Runs pipelines over an engine's tables there from now on (`--engine
  /// URL`, `.engine URL`): its tables join the catalog, replacing any
  /// built-in of the same name, and `.sql` writes its dialect.
  public func connect(_ url: String) throws {
    let engine: Engine
    let tables: [RemoteTable]
    do {
      engine = try Engines.connect(url)
      tables = try engine.tables()
    } catch let e as EngineError {
      throw Diagnostic(e.message, at: nil, help: e.help)
    }
    self.engine = engine
    dialect = engine.dialect
    remoteTables = [:]
    for t in tables {
      remoteTables[t.name] = t
      let note = t.skipped.isEmpty ? "" : " (left out, of types iq has none for: \(t.skipped.joined(separator: ", ")))"
      catalog.add(
        t.name,
        Catalog.Entry(fields: t.fields, description: "in \(engine.label)\(note)") { [label = engine.label] in
          throw Diagnostic("\(t.name) is in \(label); a query that starts from it runs there", at: nil)
        })
    }
  }

  /// The steps an engine can run, there; any after them (a save, a chart) here.
  func evaluate(_ plan: Plan, on engine: Engine, saving: Bool, after: ((Int, Table) -> Void)?) throws -> QueryOutcome {
    let cut =
      plan.steps.firstIndex {
        switch $0.step {
        case .save, .chart: return true
        default: return false
        }
      } ?? plan.steps.count
    let remote = plan.prefix(cut)
    let span = Span(plan.steps[0].span.start, plan.steps[cut - 1].span.end)
    let sql = try translator(reading: catalog, dialect: engine.dialect).translate(remote)
    let table: Table
    do {
      table = try engine.run(sql, fields: remote.fields, cancellation: cancellation)
    } catch let e as EngineError {
      let at = e.line.flatMap { SQLTranslator.step(atLine: $0, of: sql) }.map { remote.steps[$0].span } ?? span
      throw Diagnostic(e.message, at: at, help: e.help ?? "'.sql' shows the SQL \(engine.label) was given")
    }
    let local = catalog.copy()
    let name = "result from the engine"
    local.add(name, table: table, description: engine.label)
    return try Executor.run(
      plan.remainder(from: cut, reading: name), catalog: local, cancellation: cancellation, after: after,
      save: saveStep(saving: saving))
  }
}
