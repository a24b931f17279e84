import IQCore
import IQSyntax

extension Resolver {
  func resolve(_ e: Expr, _ scope: Scope) throws -> ResolvedExpr {
    func make(_ kind: ResolvedKind, _ type: DataType) -> ResolvedExpr {
      ResolvedExpr(kind: kind, type: type, span: e.span)
    }
    switch e.kind {
    case .literal(let value):
      return make(.constant(value), value.type)

    case .name(let name):
      return try resolveName(name, e.span, scope)

    case .unary(.negate, let x):
      let r = try resolve(x, scope)
      guard r.type.isNumeric || r.type == .money || r.type == .null else {
        throw Diagnostic("can't negate \(article(r.type))", at: e.span)
      }
      return make(.negate(r), r.type)

    case .unary(.not, let x):
      let r = try resolve(x, scope)
      try expectType(r, .bool, "'not' needs a condition", x)
      return make(.not(r), .bool)

    case .binary(let op, let a, let b):
      let l = try resolve(a, scope)
      let r = try resolve(b, scope)
      switch op {
      case .and, .or:
        try expectType(l, .bool, "'\(op.rawValue)' joins conditions", a)
        try expectType(r, .bool, "'\(op.rawValue)' joins conditions", b)
        return make(.logic(op, l, r), .bool)
      case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
        for (side, other) in [(b, a), (a, b)] where side.kind == .literal(.null) {
          let test = op == .notEqual ? "not is_null(\(source(other)))" : "is_null(\(source(other)))"
          throw Diagnostic(
            "a comparison with null is never true: null means 'unknown'", at: e.span,
            help: "to find missing values write \(test)", fix: Diagnostic.Fix(e.span, test))
        }
        let (x, y) = try comparable(l, r, a, b, op: op.rawValue)
        return make(.compare(op, x, y), .bool)
      case .add, .subtract, .multiply, .divide:
        return try arithmetic(op, l, r, a, b, e.span)
      }

    case .inList(let x, let items, let negated):
      let l = try resolve(x, scope)
      var rs: [ResolvedExpr] = []
      var lw = l
      for item in items {
        let r = try resolve(item, scope)
        let (x2, y) = try comparable(l, r, x, item, op: "in")
        lw = x2
        rs.append(y)
      }
      if lw.type == .number { rs = rs.map { widen($0, to: .number) } }
      return make(.inList(lw, rs, negated: negated), .bool)

    case .call(let name, let args):
      return try resolveCall(name, args, e, scope)
    }
  }

  func resolveName(_ name: String, _ span: Span, _ scope: Scope) throws -> ResolvedExpr {
    let fields = scope.insideAggregate ? (scope.aggregateFields ?? scope.fields) : scope.fields
    let ci = fields.indices.filter { fields[$0].name.lowercased() == name.lowercased() }
    if let i = fields.firstIndex(where: { $0.name == name }) ?? (ci.count == 1 ? ci[0] : nil) {
      try checkNoValueNamed(name, like: fields[i].name, span: span)
      return ResolvedExpr(kind: .column(i), type: fields[i].type, span: span)
    }
    if let v = values[name] ?? values.first(where: { $0.key.lowercased() == name.lowercased() })?.value {
      return ResolvedExpr(kind: .constant(v), type: v.type, span: span)
    }
    // `areas.name` where no join had to prefix it: the plain column.
    if let dot = name.firstIndex(of: "."), catalog.lookup(String(name[..<dot])) != nil {
      let plain = String(name[name.index(after: dot)...])
      if fields.contains(where: { $0.name == plain }) { return try resolveName(plain, span, scope) }
    }
    if let t = valueTypes[name] {
      // Checking only: the value's type is known, its value is not.
      return ResolvedExpr(kind: .constant(.null), type: t, span: span)
    }
    if !scope.insideAggregate, let inner = scope.aggregateFields, inner.contains(where: { $0.name == name }),
      scope.step == "summarize"
    {
      // Only aggregates that take the column's type are suggested.
      let type = inner.first { $0.name == name }?.type
      let ways =
        type?.isNumeric == true || type == .money
        ? "sum(\(name)), first(\(name))" : "first(\(name)), count_distinct(\(name))"
      throw Diagnostic(
        "'\(name)' is neither a 'by' key nor inside an aggregate", at: span,
        help: "add it to 'by', or aggregate it: \(ways), …")
    }
    var d = unknownColumn(name, span: span, fields: fields)
    if fields.isEmpty {
      d.help =
        closest(to: name, in: Array(values.keys)).map { "did you mean '\($0)'?" }
        ?? (values.isEmpty
          ? "no columns are in scope here: a query starts with 'from TABLE'"
          : "no columns are in scope here; 'let' values: \(values.keys.sorted().joined(separator: ", "))")
      d.message = "unknown name '\(name)'"
    }
    throw d
  }

  /// A name that is both a column in scope and a `let` value is refused:
  /// `where fy == fy` would compare the column with itself and keep every row.
  func checkNoValueNamed(_ name: String, like column: String, span: Span) throws {
    // The value is found as a name is: exactly, else in any letter case;
    // a name that is a column's exactly and a value's only in another case
    // is the column.
    guard
      let key = valueTypes[name] != nil ? name : valueTypes.keys.first(where: { $0.lowercased() == name.lowercased() }),
      key == name || column != name
    else { return }
    let shown = values[key].map { " = \($0.literalText)" } ?? " = …"
    let renamed = "\(key)_wanted"
    let also = column == name ? "" : " ('\(column)')"
    throw Diagnostic(
      "'\(name)' is both a column here\(also) and a value (let \(key)\(shown)); iq won't guess which one you mean",
      at: span, help: "give the value its own name: let \(renamed)\(shown), then write \(column) == \(renamed)")
  }

  func widen(_ r: ResolvedExpr, to type: DataType) -> ResolvedExpr {
    if r.type == .int && type == .number {
      if case .constant(.int(let x)) = r.kind {
        return ResolvedExpr(kind: .constant(.number(Double(x))), type: .number, span: r.span)
      }
      return ResolvedExpr(kind: .toNumber(r), type: .number, span: r.span)
    }
    return r
  }

  /// Both sides of a comparison, widened to one type, or an error that says how to fix it.
  func comparable(_ l: ResolvedExpr, _ r: ResolvedExpr, _ a: Expr, _ b: Expr, op: String) throws -> (
    ResolvedExpr, ResolvedExpr
  ) {
    if let t = commonType(l.type, r.type) {
      if t == .bool && op != "==" && op != "!=" && op != "in" {
        throw Diagnostic("true and false have no order; use == or !=", at: a.span.to(b.span))
      }
      return (widen(l, to: t), widen(r, to: t))
    }
    let span = a.span.to(b.span)
    let msg = "can't compare \(article(l.type)) with \(article(r.type))"
    switch (l.type, r.type) {
    case (.money, let t) where t.isNumeric: throw Diagnostic(msg, at: span, help: moneyHelp(b), fix: moneyFix(b))
    case (let t, .money) where t.isNumeric: throw Diagnostic(msg, at: span, help: moneyHelp(a), fix: moneyFix(a))
    case (.date, .text): throw Diagnostic(msg, at: span, help: dateHelp(b), fix: dateFix(b))
    case (.text, .date): throw Diagnostic(msg, at: span, help: dateHelp(a), fix: dateFix(a))
    case (.text, let t) where t.isNumeric:
      throw Diagnostic(
        msg, at: span, help: "convert one side: number(\(source(a))), or compare with text: \"\(source(b))\"")
    case (let t, .text) where t.isNumeric:
      throw Diagnostic(
        msg, at: span, help: "convert one side: number(\(source(b))), or compare with text: \"\(source(a))\"")
    default: throw Diagnostic(msg, at: span)
    }
  }

  func source(_ e: Expr) -> String {
    if case .literal(.text(let s)) = e.kind { return s }
    if case .literal(.int(let x)) = e.kind { return String(x) }
    if case .literal(.number(let x)) = e.kind { return shortestText(x) }
    if case .name(let n) = e.kind { return n }
    return "…"
  }

  /// "write £3, or money(3)" for the plain number next to money.
  func moneyHelp(_ plain: Expr) -> String {
    switch plain.kind {
    case .literal(.int(let x)): return "write £\(x), or money(\(x))"
    case .literal(.number(let x)): return "write £\(shortestText(x)), or money(\(shortestText(x)))"
    default: return "make both sides money: money(\(source(plain)))"
    }
  }

  /// The edit "write £3" makes: the plain literal becomes money.
  func moneyFix(_ plain: Expr) -> Diagnostic.Fix? {
    switch plain.kind {
    case .literal(.int(let x)) where x >= 0: return Diagnostic.Fix(plain.span, "£\(x)")
    case .literal(.number(let x)) where x >= 0: return Diagnostic.Fix(plain.span, "£\(shortestText(x))")
    default: return nil
    }
  }

  /// The edit "write the date as @2015-04-01" makes.
  func dateFix(_ text: Expr) -> Diagnostic.Fix? {
    guard case .literal(.text(let s)) = text.kind, Date.parseISO(s, allowMonth: true) != nil else { return nil }
    return Diagnostic.Fix(text.span, "@\(s)")
  }

  func dateHelp(_ text: Expr) -> String {
    if case .literal(.text(let s)) = text.kind, Date.parseISO(s, allowMonth: true) != nil {
      return "write the date as @\(s)"
    }
    return "write a date as @2015-04-01, or convert the text with date(…)"
  }

  func arithmetic(_ op: BinaryOp, _ l: ResolvedExpr, _ r: ResolvedExpr, _ a: Expr, _ b: Expr, _ span: Span) throws
    -> ResolvedExpr
  {
    func make(_ type: DataType, _ x: ResolvedExpr, _ y: ResolvedExpr) -> ResolvedExpr {
      ResolvedExpr(kind: .arithmetic(op, x, y), type: type, span: span)
    }
    let lt = l.type, rt = r.type
    let fail = "can't \(verbPhrase(op)) \(article(lt)) and \(article(rt))"
    // null takes the type the other side would give.
    if lt == .null || rt == .null {
      let other = lt == .null ? rt : lt
      let t: DataType = op == .divide && other == .int ? .number : (other == .date && op == .subtract ? .null : other)
      return make(t, l, r)
    }
    switch (op, lt, rt) {
    case (.add, .int, .int), (.subtract, .int, .int), (.multiply, .int, .int):
      return make(.int, l, r)
    case (_, let x, let y) where x.isNumeric && y.isNumeric:
      return make(.number, widen(l, to: .number), widen(r, to: .number))
    case (.add, .money, .money), (.subtract, .money, .money):
      return make(.money, l, r)
    case (.multiply, .money, let t) where t.isNumeric, (.divide, .money, let t) where t.isNumeric:
      return make(.money, l, widen(r, to: .number))
    case (.multiply, let t, .money) where t.isNumeric:
      return make(.money, widen(l, to: .number), r)
    case (.divide, .money, .money):
      return make(.number, l, r)
    case (.add, .money, let t) where t.isNumeric, (.subtract, .money, let t) where t.isNumeric:
      throw Diagnostic(fail, at: span, help: moneyHelp(b), fix: moneyFix(b))
    case (.add, let t, .money) where t.isNumeric, (.subtract, let t, .money) where t.isNumeric:
      throw Diagnostic(fail, at: span, help: moneyHelp(a), fix: moneyFix(a))
    case (.multiply, .money, .money):
      throw Diagnostic(fail, at: span, help: "money × money has no meaning; divide money by money for a ratio")
    case (.divide, let t, .money) where t.isNumeric:
      throw Diagnostic(fail, at: span, help: "divide money by a number, or money by money for a ratio")
    case (.add, .date, .int), (.subtract, .date, .int):
      return make(.date, l, r)
    case (.add, .int, .date):
      return make(.date, r, l)
    case (.subtract, .date, .date):
      return make(.int, l, r)
    case (.add, .text, _), (.add, _, .text):
      var bothNames = false
      if case .name = a.kind, case .name = b.kind { bothNames = true }
      throw Diagnostic(
        fail, at: span, help: "to join text, use concat(\(source(a)), \(source(b)))",
        fix: bothNames ? Diagnostic.Fix(span, "concat(\(source(a)), \(source(b)))") : nil)
    default:
      throw Diagnostic(fail, at: span)
    }
  }

  func verbPhrase(_ op: BinaryOp) -> String {
    switch op {
    case .add: return "add"
    case .subtract: return "subtract"
    case .multiply: return "multiply"
    default: return "divide"
    }
  }
}
