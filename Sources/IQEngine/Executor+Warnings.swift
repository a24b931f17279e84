import IQCore
import IQPlan
import IQSyntax

/// Warnings for results that are likely not what the user meant
/// (LANGUAGE.md section 11): the figure is right for the query as written,
/// but a finance user could not tell that it answers another question.
extension Executor {
  /// A join whose keys repeat in the joined table: each input row appears
  /// once per match, and any sum after it counts the row that many times.
  func fanOut(_ t: Table, _ right: Table, _ plan: JoinPlan, _ matches: JoinMatches, total: Int, step: Span)
    -> Diagnostic?
  {
    var repeated = 0
    var most = 0
    for k in matches.listOf where k >= 0 {
      let size = matches.size(Int(k))
      guard size > 1 else { continue }
      repeated += 1
      most = max(most, size)
    }
    guard repeated > 0 else { return nil }
    let keys = plan.leftKeys.map { t.fields[$0].name }
    let key = keys.count == 1 ? keys[0] : "(" + keys.joined(separator: ", ") + ")"
    let count = { (n: Int) in groupThousands(String(n)) }
    // The join as the user would write it, names in backticks where needed.
    let leftNames = keys.map(Name.written), rightNames = plan.rightKeys.map { Name.written(right.fields[$0].name) }
    // `on a, b` merges the right keys (they are not kept); `on a == b` keeps them.
    let merged = plan.rightKeys.allSatisfy { !plan.rightKept.contains($0) }
    let condition =
      merged ? leftNames.joined(separator: ", ") : zip(leftNames, rightNames).map { "\($0) == \($1)" }.joined()
    let intended = "join \(plan.isLeft ? "left " : "")many \(plan.label) on \(condition)"
    return Diagnostic(
      "this join repeats rows: \(count(t.rowCount)) row\(t.rowCount == 1 ? "" : "s") became \(count(total)), "
        + "because \(plan.label) has up to \(count(most)) rows for one \(key); "
        + "a sum or count after it counts each row that many times",
      at: step,
      help: "if each row should repeat, say so: \(intended); "
        + "to match one row each, join on more columns or summarize \(plan.label) first")
  }

  /// A `where` that kept nothing: for each `column == "text"` in it (or
  /// `in`), a value of the column that differs only in case or spaces.
  func nearMisses(_ e: ResolvedExpr, in t: Table) -> [Diagnostic] {
    var tests: [(column: Int, wanted: String, span: Span)] = []
    func collect(_ e: ResolvedExpr) {
      switch e.kind {
      case .logic(.and, let a, let b):
        collect(a)
        collect(b)
      case .compare(.equal, let a, let b):
        if case .column(let i) = a.kind, case .constant(.text(let s)) = b.kind { tests.append((i, s, e.span)) }
        if case .column(let i) = b.kind, case .constant(.text(let s)) = a.kind { tests.append((i, s, e.span)) }
      case .inList(let x, let items, negated: false):
        guard case .column(let i) = x.kind else { return }
        for item in items { if case .constant(.text(let s)) = item.kind { tests.append((i, s, item.span)) } }
      default: return
      }
    }
    collect(e)
    return tests.compactMap { test in
      let values = distinctTexts(t.columns[test.column])
      guard !values.contains(test.wanted) else { return nil }
      let key = Executor.looseKey(test.wanted)
      guard let found = values.first(where: { Executor.looseKey($0) == key }) else { return nil }
      let name = t.fields[test.column].name
      return Diagnostic(
        "no rows have \(name) == \(Value.text(test.wanted).literalText), but \(Value.text(found).literalText) is there: "
          + "text must match exactly, letter case and spaces too",
        at: test.span, help: "write \(Value.text(found).literalText)")
    }
  }

  /// Text compared without letter case or surrounding spaces.
  static func looseKey(_ s: String) -> String {
    s.trimmingCharacters(in: .whitespaces).lowercased()
  }

  /// The different values of a text column that its rows hold (a coded
  /// column's dictionary may also hold values that earlier steps removed).
  func distinctTexts(_ c: Column) -> [String] {
    switch c.data {
    case .coded(let codes, let dictionary):
      var used = [Bool](repeating: false, count: dictionary.count)
      for (i, code) in codes.enumerated() where !c.isNull(i) { used[Int(code)] = true }
      return dictionary.indices.filter { used[$0] }.map { dictionary[$0] }
    case .text(let a):
      var seen = Set<String>()
      return a.filter { seen.insert($0).inserted }
    default: return []
    }
  }
}
