import IQBuiltins
import IQCore
import IQDataset
import IQEngine
import IQPlan
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
    var translator = SQLTranslator(
      dialect: dialect, fieldsOf: { tables.entry($0)?.fields },
      hasRowColumn: { Dataset.tableNames.contains($0) })
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
