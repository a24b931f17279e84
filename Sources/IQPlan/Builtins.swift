import IQBuiltins
import IQCore
import IQSyntax

/// How a call is checked and typed: a function by its own rule (in
/// IQBuiltins), aggregates and windows here.
extension Resolver {
  package static var allCallNames: [String] {
    Builtin.functions.map(\.name) + Aggregate.allCases.map(\.rawValue) + Window.allCases.map(\.rawValue)
  }

  func resolveCall(_ name: Name, _ args: [Expr], _ e: Expr, _ scope: Scope) throws -> ResolvedExpr {
    let lower = name.text.lowercased()
    if let agg = Aggregate(rawValue: lower) { return try resolveAggregate(agg, name, args, e, scope) }
    if let w = Window(rawValue: lower) { return try resolveWindow(w, name, args, e, scope) }
    guard let f = Builtin.function(named: lower) else {
      let guess = closest(to: name.text, in: Resolver.allCallNames)
      throw Diagnostic(
        "unknown function '\(name.text)'", at: name.span,
        help: guess.map { "did you mean '\($0)'?" } ?? "'.help functions' lists them",
        fix: guess.map { Diagnostic.Fix(name.span, $0) })
    }
    let rs = try args.map { try resolve($0, scope) }
    // The function's own rule checks the call and may widen arguments.
    var call = Call(
      name: f.name, types: rs.map(\.type), span: e.span, argumentSpans: args.map(\.span),
      moneyHelp: { i in self.moneyHelp(args[i]) })
    let type = try f.typing(&call)
    let widened = zip(rs, call.types).map { widen($0, to: $1) }
    return ResolvedExpr(kind: .function(f, widened), type: type, span: e.span)
  }

  func resolveAggregate(_ agg: Aggregate, _ name: Name, _ args: [Expr], _ e: Expr, _ scope: Scope) throws
    -> ResolvedExpr
  {
    guard scope.aggregateFields != nil else {
      throw Diagnostic(
        "\(agg.rawValue)() is an aggregate and can't be used in '\(scope.step)'", at: e.span,
        help: "compute it first: | derive x = \(agg.rawValue)(…) or | summarize x = \(agg.rawValue)(…)")
    }
    if scope.insideAggregate {
      throw Diagnostic("an aggregate can't contain another aggregate", at: e.span)
    }
    var inner = scope
    inner.insideAggregate = true
    if agg == .count && args.isEmpty {
      return ResolvedExpr(kind: .aggregate(.count, nil), type: .int, span: e.span)
    }
    guard args.count == 1 else {
      throw Diagnostic("\(agg.rawValue) takes one argument", at: e.span, help: "usage: \(agg.rawValue)(column)")
    }
    let r = try resolve(args[0], inner)
    let t = r.type
    if let allowed = agg.allowed, t != .null, !allowed.contains(t) {
      throw Diagnostic(
        "\(agg.rawValue) needs \(allowed.map(article).joined(separator: " or ")), not \(article(t))", at: args[0].span)
    }
    return ResolvedExpr(kind: .aggregate(agg, r), type: agg.result(t), span: e.span)
  }

  func resolveWindow(_ w: Window, _ name: Name, _ args: [Expr], _ e: Expr, _ scope: Scope) throws -> ResolvedExpr {
    guard scope.allowWindows else {
      throw Diagnostic(
        "\(w.rawValue)() is a window function and works only in 'derive'", at: e.span,
        help: "| derive x = \(w.rawValue)(…)")
    }
    let rs = try args.map { try resolve($0, scope) }
    let constants = rs.map { r -> Value? in
      if case .constant(let v) = r.kind { return v }
      return nil
    }
    let call = WindowCall(
      types: rs.map(\.type), constants: constants, hasOrder: scope.hasOrder, span: e.span,
      argumentSpans: args.map(\.span))
    return ResolvedExpr(kind: .window(w, rs), type: try w.typing(call), span: e.span)
  }
}
