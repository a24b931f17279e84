import IQBuiltins
import IQCore
import IQSyntax

/// A resolved plan as text, one step to a line with the columns it makes:
/// what the plan snapshots compare, so a change in how queries resolve
/// shows up in review. Columns are `#position`; each expression ends with
/// its type; `number(…)` marks an int widened to a number.
extension Plan {
  public var dump: String {
    steps.map { s in
      let columns = s.fields.map { "\($0.name) \($0.type)\($0.isYear ? " (year)" : "")" }
      return "\(s.verb.rawValue): \(s.step.dump)\n  → \(columns.joined(separator: ", "))"
    }.joined(separator: "\n")
  }
}

extension PlanStep {
  public var dump: String {
    func list(_ es: [ResolvedExpr]) -> String { es.map(\.typedDump).joined(separator: ", ") }
    func positions(_ xs: [Int]) -> String { xs.map { "#\($0)" }.joined(separator: ", ") }
    switch self {
    case .scan(let source): return "scan \(source.dump)"
    case .filter(let e): return "filter \(e.typedDump)"
    case .derive(let items, let groups):
      let each = items.map { item in item.replacing.map { "#\($0) = " } ?? "new " }
      let shown = zip(each, items).map { $0 + $1.expr.typedDump }.joined(separator: ", ")
      return "derive \(shown)" + (groups.isEmpty ? "" : " by \(list(groups))")
    case .project(let es): return "project \(list(es))"
    case .columns(let xs): return "columns \(positions(xs))"
    case .summarize(let keys, let aggregates):
      return "summarize \(list(aggregates))" + (keys.isEmpty ? "" : " by \(list(keys))")
    case .sort(let keys):
      return "sort " + keys.map { $0.0.typedDump + ($0.descending ? " desc" : "") }.joined(separator: ", ")
    case .take(let n): return "take \(n)"
    case .top(let n, let key, let descending): return "top \(n) \(key.typedDump)\(descending ? " desc" : "")"
    case .join(let j):
      let keys = zip(j.leftKeys, j.rightKeys).map { "#\($0) = \(j.rightNames[$1])" }.joined(separator: ", ")
      let kept = j.rightKept.map { j.rightNames[$0] }.joined(separator: ", ")
      return "\(j.isLeft ? "left " : "")join\(j.many ? " many" : "") \(j.source.dump) on \(keys) keeping \(kept)"
    case .distinct(let xs): return "distinct \(positions(xs))"
    case .append(let source, let mapping):
      return "append \(source.dump) mapping " + mapping.map { $0.map { "#\($0)" } ?? "null" }.joined(separator: ", ")
    case .save(let path, _, let sheet):
      return "save \(Value.text(path).literalText)"
        + (sheet.map { " with sheet = \(Value.text($0).literalText)" } ?? "")
    case .chart(let spec):
      let series = spec.series.map { " by \($0.typedDump)" } ?? ""
      let path = spec.path.map { " to \(Value.text($0).literalText)" } ?? ""
      return "chart \(spec.kind.rawValue) \(spec.x.typedDump), \(spec.y.typedDump)\(series)\(path)"
    }
  }
}

extension TableSource {
  var dump: String {
    switch self {
    case .named(let name): return name
    case .file(let file, let columns):
      return (file.isStandardInput ? "stdin" : Value.text(file.path).literalText)
        + (file.options.isEmpty ? "" : " with options")
        + (columns.map { " reading " + $0.sorted().joined(separator: ", ") } ?? "")
    }
  }
}

extension ResolvedExpr {
  /// The expression and its type: `(#3 == "2015-16") bool`.
  public var typedDump: String { "\(dump) \(type)" }

  public var dump: String {
    func call(_ name: String, _ args: [ResolvedExpr]) -> String {
      "\(name)(\(args.map(\.dump).joined(separator: ", ")))"
    }
    switch kind {
    case .constant(let v): return v.literalText
    case .column(let i): return "#\(i)"
    case .toNumber(let e): return "number(\(e.dump))"
    case .negate(let e): return "(- \(e.dump))"
    case .not(let e): return "(not \(e.dump))"
    case .arithmetic(let op, let a, let b), .compare(let op, let a, let b), .logic(let op, let a, let b):
      return "(\(a.dump) \(op.rawValue) \(b.dump))"
    case .inList(let e, let list, let negated):
      return "(\(e.dump) \(negated ? "not in" : "in") (\(list.map(\.dump).joined(separator: ", "))))"
    case .function(let f, let args): return call(f.name, args)
    case .aggregate(let a, let arg): return call(a.rawValue, arg.map { [$0] } ?? [])
    case .window(let w, let args): return call(w.rawValue, args)
    }
  }
}
