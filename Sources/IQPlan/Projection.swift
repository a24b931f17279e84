import IQSyntax

/// Which columns of a CSV file a pipeline can use, so the reader builds
/// only those: `from "episodes.csv" | summarize sum(cost) by area` needs
/// two of nine. The answer is nil (every column) unless a step before the
/// end replaces the columns (summarize, select, count, chart) and nothing
/// before that step takes whole rows (distinct without columns, append,
/// save). The names are collected from the steps' text, so a name of a
/// joined table's column or a `let` value only adds a column too many.
enum Projection {
  static func columns(_ pipeline: Pipeline) -> Set<String>? {
    var names: Set<String> = []
    func add(_ name: String) {
      names.insert(name)
      // `table.column` after a join.
      if let dot = name.lastIndex(of: ".") { names.insert(String(name[name.index(after: dot)...])) }
    }
    func visit(_ e: Expr) {
      switch e.kind {
      case .literal: break
      case .name(let n): add(n)
      case .unary(_, let x): visit(x)
      case .binary(_, let x, let y):
        visit(x)
        visit(y)
      case .call(_, let args): args.forEach(visit)
      case .inList(let x, let list, _):
        visit(x)
        list.forEach(visit)
      }
    }
    for step in pipeline.steps.dropFirst() {
      switch step.kind {
      case .from, .append, .save: return nil
      case .distinct(let keys):
        if keys.isEmpty { return nil }
        keys.forEach { add($0.text) }
      case .where(let e), .take(let e): visit(e)
      case .derive(let items, let by):
        (items + by).forEach { visit($0.value) }
      case .drop(let keys): keys.forEach { add($0.text) }
      case .rename(let pairs): pairs.forEach { add($0.old.text) }
      case .sort(let keys): keys.forEach { visit($0.value) }
      case .top(let n, let key):
        visit(n)
        visit(key.value)
      case .join(_, _, .columns(let keys), _): keys.forEach { add($0.text) }
      case .join(_, _, .equal(let left, _), _): add(left.text)
      case .select(let items):
        items.forEach { visit($0.value) }
        return names
      case .summarize(let items, let by):
        (items + by).forEach { visit($0.value) }
        return names
      case .count: return names
      case .chart(_, let x, let y, let series, _):
        visit(x)
        visit(y)
        if let s = series { add(s.text) }
        return names
      }
    }
    return nil
  }
}
