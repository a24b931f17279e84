import Foundation
import IQBuiltins
import IQCore
import IQSyntax

/// The steps whose resolving takes more than a few lines, one method each.
extension Resolver {
  func resolveDerive(_ items: [Assignment], by: [Assignment], input: [Field], hasOrder: Bool, scope: Scope) throws -> (
    PlanStep, [Field], Bool
  ) {
    var scope = scope
    let groups = try by.map { try resolve($0.value, scope) }
    var fields = input
    var outs: [(expr: ResolvedExpr, replacing: Int?)] = []
    for item in items {
      scope.fields = fields
      scope.aggregateFields = fields
      scope.allowWindows = true
      let r = try resolve(item.value, scope)
      let name = item.name!.text
      if let i = fields.firstIndex(where: { $0.name == name }) {
        fields[i] = Field(name, r.type, isYear: isYear(r, fields))
        outs.append((r, i))
      } else {
        fields.append(Field(name, r.type, isYear: isYear(r, fields)))
        outs.append((r, nil))
      }
    }
    return (.derive(outs, groups: groups), fields, hasOrder)
  }

  func resolveRename(_ pairs: [Renaming], input: [Field], hasOrder: Bool, verb: String) throws -> (
    PlanStep, [Field], Bool
  ) {
    var fields = input
    for pair in pairs {
      let (new, old) = (pair.new, pair.old)
      let i = try column(old, in: input, step: verb)
      if let clash = fields.firstIndex(where: { $0.name == new.text }), clash != i {
        throw Diagnostic(
          "there is already a column named '\(new.text)'", at: new.span,
          help: "choose another name, or drop '\(new.text)' first")
      }
      fields[i].name = new.text
    }
    return (.columns(Array(input.indices)), fields, hasOrder)
  }

  func resolveJoin(
    _ source: SourceRef, on condition: JoinCondition, isLeft: Bool, many: Bool, step: Step, input: [Field],
    hasOrder: Bool
  ) throws -> (PlanStep, [Field], Bool) {
    let (s, right, tableName) = try resolveSource(source)
    let written: String
    if case .file(let path, _, _) = source { written = Value.text(path).literalText } else { written = tableName }
    var leftKeys: [Int] = []
    var rightKeys: [Int] = []
    var merged: Set<Int> = []
    switch condition {
    case .columns(let names):
      for n in names {
        leftKeys.append(try column(n, in: input, step: "join"))
        rightKeys.append(try column(n, in: right, step: "join", table: tableName))
        merged.insert(rightKeys.last!)
      }
    case .equal(let a, let b):
      leftKeys.append(try column(a, in: input, step: "join"))
      rightKeys.append(try column(b, in: right, step: "join", table: tableName))
    }
    for (l, r) in zip(leftKeys, rightKeys) {
      let lt = input[l].type, rt = right[r].type
      if lt != rt && !(lt.isNumeric && rt.isNumeric) {
        throw Diagnostic(
          "can't join \(lt) column '\(input[l].name)' to \(rt) column '\(right[r].name)'",
          at: step.span,
          help: rt.conversion.map { "convert one side first, e.g. derive \(input[l].name) = \($0)(\(input[l].name))" }
            ?? "join on columns of the same type",
          fix: rt.conversion.map {
            let name = Name.written(input[l].name)
            return Diagnostic.Fix(Span(step.span.start, step.span.start), "derive \(name) = \($0)(\(name)) | ")
          })
      }
    }
    var fields = input
    var kept: [Int] = []
    for (i, f) in right.enumerated() where !merged.contains(i) {
      kept.append(i)
      let name = fields.contains { $0.name == f.name } ? "\(tableName).\(f.name)" : f.name
      fields.append(Field(name, f.type))
    }
    let plan = JoinPlan(
      isLeft: isLeft, source: s, leftKeys: leftKeys, rightKeys: rightKeys, rightKept: kept,
      rightNames: right.map(\.name),
      span: source.span,
      label: written, many: many)
    return (.join(plan), fields, hasOrder)
  }

  func resolveAppend(_ source: SourceRef, input: [Field]) throws -> (PlanStep, [Field], Bool) {
    let (s, right, tableName) = try resolveSource(source)
    var fields = input
    var mapping: [Int?] = []
    for (i, f) in input.enumerated() {
      guard let j = right.firstIndex(where: { $0.name == f.name }) else {
        mapping.append(nil)
        continue
      }
      guard let t = commonType(f.type, right[j].type) else {
        throw Diagnostic(
          "column '\(f.name)' is \(f.type) here but \(right[j].type) in \(tableName)", at: source.span,
          help: "convert one of them first so that both are the same type")
      }
      fields[i].type = t
      mapping.append(j)
    }
    for (j, f) in right.enumerated() where !input.contains(where: { $0.name == f.name }) {
      fields.append(f)
      mapping.append(j)
    }
    return (.append(s, mapping: mapping), fields, false)
  }

  func resolveChart(
    _ kind: ChartKind, x xe: Expr, y ye: Expr, series seriesName: Name?, path: FileName?, input: [Field],
    hasOrder: Bool, scope: Scope, verb: String
  ) throws -> (PlanStep, [Field], Bool) {
    let x = try resolve(xe, scope)
    let y = try resolve(ye, scope)
    guard [.int, .number, .money, .null].contains(y.type) else {
      throw Diagnostic(
        "a chart's values are numbers or money; this is \(article(y.type))", at: ye.span,
        help: "chart \(kind.rawValue) LABEL, VALUE")
    }
    if kind != .bar, ![DataType.date, .int, .number, .text].contains(x.type) {
      throw Diagnostic(
        "the x axis of a \(kind.rawValue) chart is dates, numbers or labels; this is \(article(x.type))", at: xe.span)
    }
    var fields = [Field(outputNameOrDefault(xe, "x"), x.type), Field(outputNameOrDefault(ye, "y"), y.type)]
    var series: ResolvedExpr?
    if let seriesName {
      if kind == .spc {
        throw Diagnostic(
          "an SPC chart has one series", at: seriesName.span,
          help: "filter to one series with where, or draw a line chart")
      }
      if kind == .bar { throw Diagnostic("a bar chart has one series", at: seriesName.span) }
      let i = try column(seriesName, in: input, step: verb)
      series = ResolvedExpr(kind: .column(i), type: input[i].type, span: seriesName.span)
      fields.append(Field(input[i].name, input[i].type))
    }
    if let path, (path.text as NSString).pathExtension.lowercased() != "svg" {
      throw Diagnostic("a chart is written as SVG", at: path.span, help: "name the file .svg")
    }
    let spec = ChartSpec(kind: kind, x: x, y: y, series: series, path: path?.text, pathSpan: path?.span)
    return (.chart(spec), fields, hasOrder)
  }

  func resolveSummarize(
    _ items: [Assignment], by: [Assignment], input: [Field], hasOrder: Bool, scope: Scope, verb: String
  ) throws -> (PlanStep, [Field], Bool) {
    let (keys, keyFields) = try resolveNamed(by, scope, verb: "by")
    var aggScope = Scope(fields: keyFields, aggregateFields: input, step: verb)
    aggScope.hasOrder = hasOrder
    let (aggs, fields) = try resolveNamed(items, aggScope, verb: "summarize", after: keyFields)
    return (.summarize(keys: keys, aggregates: aggs), fields, !keys.isEmpty)
  }
}
