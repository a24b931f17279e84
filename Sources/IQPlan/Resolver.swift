import Foundation
import IQCore
import IQSyntax

/// Binds every name in a parsed pipeline to a column and checks every type,
/// producing the plan the evaluator runs.
public struct Resolver {
  public let catalog: Catalog
  /// `let` values: their types, and their values once computed.
  public var values: [String: Value]
  public var valueTypes: [String: DataType]

  public init(catalog: Catalog, values: [String: Value] = [:], valueTypes: [String: DataType] = [:]) {
    self.catalog = catalog
    self.values = values
    self.valueTypes = valueTypes
    for (k, v) in values where valueTypes[k] == nil { self.valueTypes[k] = v.type }
  }

  /// What bare names mean in an expression, and which calls are allowed there.
  struct Scope {
    var fields: [Field]
    /// Where an aggregate's argument looks up names (summarize: the input rows).
    var aggregateFields: [Field]?
    var allowWindows = false
    var hasOrder = false
    var step: String
    var insideAggregate = false
  }

  // MARK: - Pipelines

  public func resolve(_ pipeline: Pipeline) throws -> Plan {
    let used = Projection.columns(pipeline)
    guard used != nil, case .from(let source) = pipeline.steps.first?.kind, source.isFile else {
      return try resolve(pipeline, reading: nil)
    }
    do {
      return try resolve(pipeline, reading: used)
    } catch is Diagnostic {
      // Again with every column of the file: an error is then told against
      // them all ("did you mean", "columns here"), and should a column the
      // query needs have been missed, the query still runs.
      return try resolve(pipeline, reading: nil)
    }
  }

  /// `reading`: the columns to read of a file the pipeline starts from.
  func resolve(_ pipeline: Pipeline, reading: Set<String>?) throws -> Plan {
    var plan = Plan(steps: [])
    var fields: [Field] = []
    var hasOrder = false
    for step in pipeline.steps {
      let (planStep, out, ordered) = try resolve(step, input: fields, hasOrder: hasOrder, reading: reading)
      plan.steps.append(Plan.Step(step: planStep, fields: out, span: step.span, verb: step.verb))
      fields = out
      hasOrder = ordered
    }
    return plan
  }

  func resolve(_ step: Step, input: [Field], hasOrder: Bool, reading: Set<String>? = nil) throws
    -> (PlanStep, [Field], Bool)
  {
    let verb = step.verb.rawValue
    let scope = Scope(fields: input, hasOrder: hasOrder, step: verb)
    switch step.kind {
    case .from(let source):
      let (s, fields, _) = try resolveSource(source, reading: reading)
      return (.scan(s), fields, false)

    case .where(let e):
      let r = try resolve(e, scope)
      try expectType(r, .bool, "'where' keeps the rows where a condition is true", e)
      return (.filter(r), input, hasOrder)

    case .derive(let items, let by):
      return try resolveDerive(items, by: by, input: input, hasOrder: hasOrder, scope: scope)

    case .select(let items):
      let (exprs, fields) = try resolveNamed(items, scope, verb: "select")
      return (.project(exprs), fields, hasOrder)

    case .drop(let names):
      var keep = Array(input.indices)
      for n in names {
        let i = try column(n, in: input, step: verb)
        keep.removeAll { $0 == i }
      }
      return (.columns(keep), keep.map { input[$0] }, hasOrder)

    case .rename(let pairs):
      return try resolveRename(pairs, input: input, hasOrder: hasOrder, verb: verb)

    case .summarize(let items, let by):
      return try resolveSummarize(items, by: by, input: input, hasOrder: hasOrder, scope: scope, verb: verb)

    case .count:
      let n = ResolvedExpr(kind: .aggregate(.count, nil), type: .int, span: step.span)
      return (.summarize(keys: [], aggregates: [n]), [Field("n", .int)], false)

    case .sort(let keys):
      let r = try keys.map { k -> (ResolvedExpr, descending: Bool) in
        let e = try resolve(k.value, scope)
        return (e, k.direction == .desc)
      }
      return (.sort(r), input, true)

    case .take(let n):
      return (.take(try count(n, verb: verb)), input, hasOrder)

    case .top(let n, let key):
      let e = try resolve(key.value, scope)
      return (.top(try count(n, verb: verb), e, descending: key.direction == .desc), input, true)

    case .join(let isLeft, let source, let condition, let many):
      return try resolveJoin(
        source, on: condition, isLeft: isLeft, many: many, step: step, input: input, hasOrder: hasOrder)

    case .distinct(let names):
      let cols = try names.isEmpty ? Array(input.indices) : names.map { try column($0, in: input, step: verb) }
      return (.distinct(cols), cols.map { input[$0] }, hasOrder && names.isEmpty)

    case .append(let source):
      return try resolveAppend(source, input: input)

    case .chart(let kind, let xe, let ye, let seriesName, let path):
      return try resolveChart(
        kind, x: xe, y: ye, series: seriesName, path: path, input: input, hasOrder: hasOrder, scope: scope, verb: verb)

    case .save(let path, let span, let options):
      let ext = (path as NSString).pathExtension.lowercased()
      if ext == "xlsm" || ext == "xls" {
        throw Diagnostic(
          "iq saves workbooks as .xlsx, not .\(ext)", at: span,
          help: "name the file .xlsx (iq writes no macros, and no Excel 97–2003 files)")
      }
      guard OutputFormat(fileExtension: ext) != nil || ext == "xlsx" else {
        throw Diagnostic(
          "can't tell the format of '\(path)' from its extension", at: span,
          help: "name the file .csv, .tsv, .json, .md or .xlsx")
      }
      return (.save(path, span, sheet: try saveSheet(options, workbook: ext == "xlsx")), input, hasOrder)
    }
  }

  func resolveSource(_ source: SourceRef, reading: Set<String>? = nil) throws -> (TableSource, [Field], String) {
    switch source {
    case .table(let name):
      guard let found = catalog.lookup(name.text) else {
        let guess = closest(to: name.text, in: catalog.names)
        throw Diagnostic(
          "unknown table '\(name.text)'", at: name.span,
          help: (guess.map { "did you mean '\($0)'? " } ?? "") + "tables: \(catalog.names.joined(separator: ", "))",
          fix: guess.map { Diagnostic.Fix(name.span, Name.written($0)) })
      }
      return (.named(found), catalog.entry(found)!.fields, found)
    case .file, .standardInput:
      let (file, options) = try fileSource(source)!
      func read(_ columns: Set<String>?) throws -> Table {
        do { return try catalog.file(file, columns: columns) } catch var d as Diagnostic {
          if d.file == nil { d.span = source.span }
          throw d
        }
      }
      let t = try read(reading)
      // `types` may name only the file's columns.
      if !file.options.types.isEmpty {
        let named = try read(Set(file.options.types.keys)).fields
        if named.count < file.options.types.count { try checkTypedColumns(options, try read(nil).fields) }
      }
      let stem =
        file.isStandardInput ? "stdin" : ((file.path as NSString).lastPathComponent as NSString).deletingPathExtension
      return (.file(file, columns: reading), t.fields, stem)
    }
  }

  /// Output columns of select, summarize and by: each resolved and named,
  /// no name twice (counting the columns already `after`). Returns all the fields.
  func resolveNamed(_ items: [Assignment], _ scope: Scope, verb: String, after: [Field] = []) throws
    -> ([ResolvedExpr], [Field])
  {
    var exprs: [ResolvedExpr] = []
    var fields = after
    for item in items {
      let r = try resolve(item.value, scope)
      let name = try outputName(item, verb: verb)
      try checkUnique(name, fields, item)
      exprs.append(r)
      fields.append(Field(name.text, r.type, isYear: isYear(r, scope.fields)))
    }
    return (exprs, fields)
  }

  /// `year(…)`, or a column that holds one.
  func isYear(_ r: ResolvedExpr, _ input: [Field]) -> Bool {
    switch r.kind {
    case .function(let f, _) where f.name == "year": return true
    case .column(let i): return i < input.count && input[i].isYear
    default: return false
    }
  }

  /// The name of an output column: given, or taken from a bare column or call.
  func outputName(_ item: Assignment, verb: String) throws -> Name {
    if let n = item.name { return n }
    switch item.value.kind {
    case .name(let n): return Name(text: n, span: item.value.span)
    case .call(let f, let args):
      var parts = [f.text]
      for a in args {
        if case .name(let n) = a.kind { parts.append(n) }
      }
      return Name(text: parts.joined(separator: "_"), span: item.value.span)
    default:
      throw Diagnostic("this \(verb) column needs a name", at: item.value.span, help: "write 'name = …'")
    }
  }

  /// A column's own name, or a default for an expression.
  func outputNameOrDefault(_ e: Expr, _ fallback: String) -> String {
    if case .name(let n) = e.kind { return n }
    return fallback
  }

  func checkUnique(_ name: Name, _ fields: [Field], _ item: Assignment) throws {
    if fields.contains(where: { $0.name == name.text }) {
      throw Diagnostic(
        "two columns would be named '\(name.text)'", at: name.span, help: "give one a new name: other = …")
    }
  }

  /// The position of a named column, or an "unknown column" error.
  func column(_ name: Name, in fields: [Field], step: String, table: String? = nil) throws -> Int {
    if let i = fields.firstIndex(where: { $0.name == name.text }) { return i }
    let ci = fields.indices.filter { fields[$0].name.lowercased() == name.text.lowercased() }
    if ci.count == 1 { return ci[0] }
    throw unknownColumn(name.text, span: name.span, fields: fields, table: table)
  }

  func unknownColumn(_ name: String, span: Span, fields: [Field], table: String? = nil) -> Diagnostic {
    var help = ""
    let guess = closest(to: name, in: fields.map(\.name))
    if let guess { help = "did you mean '\(guess)'? " }
    let place = table.map { "columns of \($0)" } ?? "columns here"
    help += "\(place): \(fields.map(\.name).joined(separator: ", "))"
    return Diagnostic(
      "unknown column '\(name)'" + (table.map { " in \($0)" } ?? ""), at: span, help: help,
      fix: guess.map { Diagnostic.Fix(span, Name.written($0)) })
  }

  /// `take N`, `top N`: a whole number known before the query runs.
  func count(_ e: Expr, verb: String) throws -> Int {
    let r = try resolve(e, Scope(fields: [], step: verb))
    if case .constant(.int(let n)) = r.kind, n >= 0, n <= Int64(Int32.max) { return Int(n) }
    // Under --check a let value's type is known but not its value.
    if case .constant(.null) = r.kind, r.type == .int { return 0 }
    throw Diagnostic("'\(verb)' needs a whole number of rows, e.g. \(verb) 10", at: e.span)
  }

  func expectType(_ r: ResolvedExpr, _ type: DataType, _ why: String, _ e: Expr) throws {
    if r.type == type || r.type == .null { return }
    let help = r.type == .text || r.type.isNumeric ? "compare it with something: … > 0, … == \"x\"" : nil
    throw Diagnostic("\(why); this is \(article(r.type)), not true or false", at: e.span, help: help)
  }

  // MARK: - let values

  /// A `let` value's expression: no columns, no aggregates.
  public func resolveValue(_ e: Expr) throws -> ResolvedExpr {
    try resolve(e, Scope(fields: [], step: "let"))
  }
}
