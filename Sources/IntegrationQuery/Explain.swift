import IQBuiltins
import IQCore
import IQEngine
import IQPlan
import IQSyntax

/// `.explain QUERY`: the pipeline step by step in plain English, with the
/// rows and columns after each step, and a warning where a step looks like
/// a mistake.
public enum Explain {
  /// Spans in the errors it throws are offsets into `text`.
  public static func explain(_ text: String, session: Session) throws -> String {
    let file = SourceFile(name: "<explain>", text: text)
    let pipeline = try Session.onePipeline(
      file,
      otherwise: Diagnostic(
        ".explain takes one query", at: Span(0, file.bytes.count),
        help: ".explain from areas | where region == \"London\" | count"))
    var tables: [Table] = []
    session.cancellation.reset()
    let outcome = try session.evaluate(pipeline, saving: false) { _, t in tables.append(t) }
    defer { session.catalog.forgetFiles() }  // a joined file read again to count its misses
    var lines: [String] = []
    // Each step of the plan, told in the words it was written in.
    for (n, planned) in outcome.plan.steps.enumerated() {
      guard let step = pipeline.steps.first(where: { $0.span == planned.span }) else { continue }
      let before = n > 0 ? tables[n - 1] : nil
      let (sentence, warning) = describe(
        step, planned.step, before: before, after: tables[n], file: file, session: session)
      lines.append("\(n + 1). \(sentence)")
      if let warning { lines.append("   ⚠ \(warning)") }
    }
    let last = tables.last!
    lines.append(
      "Result: \(rows(last.rowCount)), \(count(last.fields.count, "column")): \(last.fields.map(\.name).joined(separator: ", "))."
    )
    return lines.joined(separator: "\n") + "\n"
  }

  static func number(_ n: Int) -> String { groupThousands(String(n)) }
  static func rows(_ n: Int) -> String { n == 1 ? "1 row" : "\(number(n)) rows" }
  static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(number(n)) \(noun)s" }
  static func list(_ names: [String]) -> String {
    names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
  }

  static func describe(
    _ step: Step, _ planned: PlanStep, before: Table?, after: Table, file: SourceFile, session: Session
  ) -> (String, String?) {
    let inRows = before?.rowCount ?? 0, outRows = after.rowCount
    switch step.kind {
    case .from(let s):
      return ("Start from \(source(s)): \(rows(outRows)), \(count(after.fields.count, "column")).", nil)
    case .where(let e):
      let warning =
        outRows == 0
        ? "this keeps no rows: check the value is written as in the data (.describe shows the columns)" : nil
      return ("Keep the \(rows(outRows)) where \(english(e, file)) (of \(number(inRows))).", warning)
    case .derive(let items, let by):
      let parts = items.map { "\($0.name!.text) = \(file.text(of: $0.value.span))" }
      let replaced = items.filter { item in before?.fields.contains { $0.name == item.name!.text } ?? false }.map {
        $0.name!.text
      }
      var s = replaced.count == items.count ? "Replace \(list(parts))" : "Add \(list(parts))"
      if !by.isEmpty { s += ", working within each \(list(by.map { file.text(of: $0.value.span) }))" }
      return (s + ".", rateWarning(items.map(\.value), before: before, file: file))
    case .select(let items):
      return ("Keep the columns \(list(items.map { $0.name?.text ?? file.text(of: $0.value.span) })).", nil)
    case .drop(let names):
      return ("Remove the columns \(list(names.map(\.text))).", nil)
    case .rename(let pairs):
      return ("Rename \(list(pairs.map { "\($0.old.text) to \($0.new.text)" })).", nil)
    case .summarize(let items, let by):
      let what = list(items.map { aggregateWords($0.value, file) })
      let s =
        by.isEmpty
        ? "\(capitalised(what)) over all \(rows(inRows)): one row."
        : "\(capitalised(what)) for each of the \(number(outRows)) \(list(by.map { file.text(of: $0.value.span) })) group\(outRows == 1 ? "" : "s") (from \(rows(inRows)))."
      return (s, rateWarning(items.map(\.value), before: before, file: file))
    case .count:
      return ("Count the rows: \(number(inRows)).", nil)
    case .sort(let keys):
      return (
        "Sort by \(list(keys.map { "\(file.text(of: $0.value.span))\($0.direction == .desc ? ", largest first" : "")" })).",
        nil
      )
    case .take:
      return ("Keep the first \(rows(outRows)) (of \(number(inRows))).", nil)
    case .top(_, let key):
      return (
        "Keep the \(rows(outRows)) with the \(key.direction == .desc ? "largest" : "smallest") \(file.text(of: key.value.span)).",
        nil
      )
    case .join(let isLeft, let s, let condition, let many):
      return describeJoin(
        s, on: condition, isLeft: isLeft, many: many, planned: planned, before: before, inRows: inRows,
        outRows: outRows, session: session)

    case .distinct(let names):
      return (
        "Keep one row for each different \(names.isEmpty ? "row" : list(names.map(\.text))): \(rows(outRows)) (of \(number(inRows))).",
        nil
      )
    case .append(let s):
      return ("Add the rows of \(source(s)) below: \(rows(outRows)).", nil)
    case .save(let path, _, let options):
      let sheet =
        options.first { $0.name.text.lowercased() == "sheet" }.map { " (sheet \(file.text(of: $0.span)))" } ?? ""
      return ("Save the \(rows(outRows)) to \(path)\(sheet).", nil)
    case .chart(let kind, let x, let y, _, _):
      let what = kind == .spc ? "an SPC (XmR) chart" : "a \(kind.rawValue) chart"
      return ("Draw \(what) of \(file.text(of: y.span)) by \(file.text(of: x.span)).", nil)
    }
  }

  /// How many input rows have no matching row in the joined table: the
  /// join's own matching (`Executor.matches`) on the plan's keys.
  static func unmatchedRows(_ t: Table, _ join: JoinPlan, session: Session) -> Int {
    guard let right = try? session.catalog.table(join.source),
      let matches = try? Executor.matches(
        left: join.leftKeys.map { t.columns[$0] }, leftRows: t.rowCount,
        right: join.rightKeys.map { right.columns[$0] }, rightRows: right.rowCount, cancellation: session.cancellation)
    else { return 0 }
    return matches.unmatched
  }

  /// A table by its name, a file as "the file x.csv".
  static func source(_ s: SourceRef) -> String {
    switch s {
    case .table(let n): return n.text
    case .file(let p, _, _): return "the file \(p)"
    case .standardInput: return "standard input"
    }
  }

  static func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

  /// `sum(total)` → "add up total".
  static func aggregateWords(_ e: Expr, _ file: SourceFile) -> String {
    guard case .call(let f, let args) = e.kind, let agg = Aggregate(rawValue: f.text.lowercased()) else {
      return "work out \(file.text(of: e.span))"
    }
    return agg.explained(args.first.map { file.text(of: $0.span) })
  }

  /// Adding up a rate or a share gives a number with no meaning.
  static func rateWarning(_ values: [Expr], before: Table?, file: SourceFile) -> String? {
    for e in values {
      guard case .call(let f, let args) = e.kind, f.text.lowercased() == "sum", let arg = args.first,
        case .name(let column) = arg.kind
      else { continue }
      let lower = column.lowercased()
      let named = ["rate", "share", "pct", "percent", "ratio", "proportion"].contains { lower.contains($0) }
      var fractions = false
      if let t = before, let c = t.column(named: column), case .number(let xs) = c.data {
        fractions = !xs.isEmpty && (0..<xs.count).allSatisfy { c.isNull($0) || (xs[$0] >= 0 && xs[$0] <= 1) }
      }
      if named || fractions {
        return
          "\(column) looks like a rate or a share: adding rates up gives no meaningful total; average them, or add up the counts and divide"
      }
    }
    return nil
  }

  /// A condition in words: `fy == "2015-16" and total > 100` → "fy is 2015-16 and total is more than 100".
  static func english(_ e: Expr, _ file: SourceFile) -> String {
    switch e.kind {
    case .binary(let op, let a, let b):
      let l = english(a, file), r = english(b, file)
      switch op {
      case .and: return "\(l) and \(r)"
      case .or: return "\(l) or \(r)"
      case .equal: return "\(l) is \(r)"
      case .notEqual: return "\(l) is not \(r)"
      case .less: return "\(l) is less than \(r)"
      case .lessEqual: return "\(l) is at most \(r)"
      case .greater: return "\(l) is more than \(r)"
      case .greaterEqual: return "\(l) is at least \(r)"
      default: return file.text(of: e.span)
      }
    case .inList(let x, let items, let negated):
      return "\(english(x, file)) is \(negated ? "not " : "")one of \(list(items.map { english($0, file) }))"
    case .unary(.not, let x): return "not (\(english(x, file)))"
    case .literal(.text(let s)): return s
    case .call(let f, let args) where f.text.lowercased() == "is_null" && args.count == 1:
      return "\(english(args[0], file)) is missing"
    default: return file.text(of: e.span)
    }
  }
}

extension Explain {
  static func describeJoin(
    _ s: SourceRef, on condition: JoinCondition, isLeft: Bool, many: Bool, planned: PlanStep, before: Table?,
    inRows: Int, outRows: Int, session: Session
  ) -> (String, String?) {
    let on: String
    switch condition {
    case .columns(let names): on = list(names.map(\.text))
    case .equal(let a, let b): on = "\(a.text) = \(b.text)"
    }
    var warnings: [String] = []
    var unmatched = 0
    if case .join(let plan) = planned, let before { unmatched = unmatchedRows(before, plan, session: session) }
    if unmatched > 0 {
      warnings.append(
        isLeft
          ? "\(rows(unmatched)) found no match in \(source(s)); their new columns are null"
          : "\(rows(unmatched)) found no match in \(source(s)) and were dropped; 'join left' keeps them with nulls")
    }
    // `join many` said the repeat is intended.
    if outRows > inRows - (isLeft ? 0 : unmatched) && !many {
      warnings.append(
        "some rows matched more than one row of \(source(s)), so they now appear more than once; totals may count them twice ('join many' says that is intended)"
      )
    }
    let warning = warnings.isEmpty ? nil : warnings.joined(separator: "\n   ⚠ ")
    return (
      "Match each row to \(source(s)) on \(on)\(isLeft ? ", keeping rows with no match" : "")\(many ? ", each as often as it matches" : ""): \(rows(outRows)) (from \(number(inRows))).",
      warning
    )
  }
}
