import IQCore

/// A compact S-expression form of the tree, for tests and debugging:
/// `(+ total (* 2 nhs))`.
extension Expr {
  public var dump: String {
    switch kind {
    case .literal(let v):
      switch v {
      case .null: return "null"
      case .bool(let b): return b ? "true" : "false"
      case .int(let x): return String(x)
      case .number(let x): return "\(x)"
      case .money(let p): return "£" + Money.plain(p)
      case .text(let s): return "\"\(s)\""
      case .date(let d): return "@" + Date.iso(d)
      }
    case .name(let n): return n
    case .unary(let op, let x): return "(\(op.rawValue) \(x.dump))"
    case .binary(let op, let a, let b): return "(\(op.rawValue) \(a.dump) \(b.dump))"
    case .call(let f, let args): return "(\(f.text)\(args.map { " " + $0.dump }.joined()))"
    case .inList(let x, let items, let negated):
      return "(\(negated ? "not in" : "in") \(x.dump)\(items.map { " " + $0.dump }.joined()))"
    }
  }
}

extension Step {
  public var dump: String {
    func assignments(_ items: [Assignment]) -> String {
      items.map { ($0.name.map { $0.text + "=" } ?? "") + $0.value.dump }.joined(separator: " ")
    }
    func source(_ s: SourceRef) -> String {
      switch s {
      case .table(let n): return n.text
      case .file(let p, _, let options): return "\"\(p)\"" + dump(options)
      case .standardInput(_, let options): return "stdin" + dump(options)
      }
    }
    func dump(_ options: [FileOption]) -> String {
      guard !options.isEmpty else { return "" }
      return " with "
        + options.map { o in
          let value: String
          switch o.value {
          case .literal(let v): value = v.literalText
          case .list(let vs): value = "(" + vs.map(\.literalText).joined(separator: " ") + ")"
          case .types(let ts): value = "(" + ts.map { "\($0.column.text):\($0.type.text)" }.joined(separator: " ") + ")"
          }
          return "\(o.name.text)=\(value)"
        }.joined(separator: " ")
    }
    switch kind {
    case .from(let s): return "(from \(source(s)))"
    case .where(let e): return "(where \(e.dump))"
    case .derive(let items, let by):
      return "(derive \(assignments(items))\(by.isEmpty ? "" : " by " + assignments(by)))"
    case .select(let items): return "(select \(assignments(items)))"
    case .drop(let names): return "(drop \(names.map(\.text).joined(separator: " ")))"
    case .rename(let pairs): return "(rename \(pairs.map { "\($0.new.text)=\($0.old.text)" }.joined(separator: " ")))"
    case .summarize(let items, let by):
      return "(summarize \(assignments(items))\(by.isEmpty ? "" : " by " + assignments(by)))"
    case .sort(let keys):
      return "(sort \(keys.map { "\($0.value.dump) \($0.direction.rawValue)" }.joined(separator: " ")))"
    case .take(let n): return "(take \(n.dump))"
    case .top(let n, let k): return "(top \(n.dump) \(k.value.dump) \(k.direction.rawValue))"
    case .join(let left, let s, let on, let many):
      let cond: String
      switch on {
      case .columns(let names): cond = names.map(\.text).joined(separator: " ")
      case .equal(let a, let b): cond = "\(a.text)==\(b.text)"
      }
      return "(join\(left ? " left" : "")\(many ? " many" : "") \(source(s)) on \(cond))"
    case .distinct(let names): return "(distinct\(names.map { " " + $0.text }.joined()))"
    case .count: return "(count)"
    case .append(let s): return "(append \(source(s)))"
    case .save(let p, _, let options): return "(save \"\(p)\"\(dump(options)))"
    case .chart(let k, let x, let y, let series, let path):
      return
        "(chart \(k.rawValue) \(x.dump) \(y.dump)\(series.map { " by \($0.text)" } ?? "")\(path.map { " to \"\($0.text)\"" } ?? ""))"
    }
  }
}

extension Statement {
  public var dump: String {
    switch kind {
    case .pipeline(let p): return p.steps.map(\.dump).joined(separator: " | ")
    case .letPipeline(let n, let p): return "(let \(n.text) \(p.steps.map(\.dump).joined(separator: " | ")))"
    case .letValue(let n, let e): return "(let \(n.text) \(e.dump))"
    case .expression(let e): return e.dump
    case .dotCommand(let name, let arg): return "(.\(name)\(arg.isEmpty ? "" : " \(arg)"))"
    }
  }
}
