import IQCore
import IQSyntax

/// Signatures of the built-in functions, aggregates and windows: how each
/// call is checked and typed.
extension Resolver {
  package static var allCallNames: [String] {
    Function.allCases.map(\.rawValue) + Aggregate.allCases.map(\.rawValue) + Window.allCases.map(\.rawValue)
  }

  func resolveCall(_ name: Name, _ args: [Expr], _ e: Expr, _ scope: Scope) throws -> ResolvedExpr {
    let lower = name.text.lowercased()
    if let agg = Aggregate(rawValue: lower) { return try resolveAggregate(agg, name, args, e, scope) }
    if let w = Window(rawValue: lower) { return try resolveWindow(w, name, args, e, scope) }
    guard let f = Function(rawValue: lower) else {
      let guess = closest(to: name.text, in: Resolver.allCallNames)
      throw Diagnostic(
        "unknown function '\(name.text)'", at: name.span,
        help: guess.map { "did you mean '\($0)'?" } ?? "'.help functions' lists them",
        fix: guess.map { Diagnostic.Fix(name.span, $0) })
    }
    let rs = try args.map { try resolve($0, scope) }
    func make(_ type: DataType, _ xs: [ResolvedExpr] = rs) -> ResolvedExpr {
      ResolvedExpr(kind: .function(f, xs), type: type, span: e.span)
    }
    func arity(_ n: ClosedRange<Int>, _ usage: String) throws {
      guard n.contains(rs.count) else {
        throw Diagnostic(
          "\(f.rawValue) takes \(n.lowerBound == n.upperBound ? "\(n.lowerBound)" : "\(n.lowerBound) or \(n.upperBound)") argument\(n.upperBound == 1 ? "" : "s")",
          at: e.span, help: "usage: \(usage)")
      }
    }
    func argument(_ i: Int, _ allowed: [DataType], _ usage: String) throws {
      let t = rs[i].type
      if t == .null || allowed.contains(t) { return }
      throw Diagnostic(
        "\(f.rawValue) needs \(allowed.map(article).joined(separator: " or ")), not \(article(t))", at: args[i].span,
        help: "usage: \(usage)")
    }
    let numeric: [DataType] = [.int, .number, .money]
    switch f {
    case .abs:
      try arity(1...1, "abs(x)")
      try argument(0, numeric, "abs(x)")
      return make(rs[0].type)
    case .round:
      try arity(1...2, "round(x) or round(x, digits)")
      try argument(0, numeric, "round(x, digits)")
      if rs.count == 2 { try argument(1, [.int], "round(x, digits)") }
      return make(rs[0].type)
    case .floor, .ceil:
      try arity(1...1, "\(f.rawValue)(x)")
      try argument(0, numeric, "\(f.rawValue)(x)")
      return make(rs[0].type == .number ? .int : rs[0].type)
    case .sqrt:
      try arity(1...1, "sqrt(x)")
      try argument(0, [.int, .number], "sqrt(x)")
      return make(.number, [widen(rs[0], to: .number)])
    case .mod:
      try arity(2...2, "mod(a, b)")
      try argument(0, [.int, .number], "mod(a, b)")
      try argument(1, [.int, .number], "mod(a, b)")
      if rs[0].type == .int && rs[1].type == .int { return make(.int) }
      return make(.number, rs.map { widen($0, to: .number) })
    case .coalesce, .if:
      let usage = f == .if ? "if(condition, then, else)" : "coalesce(a, b, …)"
      if f == .if {
        try arity(3...3, usage)
        try expectType(rs[0], .bool, "the first argument of if() is a condition", args[0])
      } else if rs.isEmpty {
        throw Diagnostic("coalesce takes one or more arguments", at: e.span, help: "usage: \(usage)")
      }
      let values = f == .if ? Array(rs.dropFirst()) : rs
      var t = DataType.null
      for (i, v) in values.enumerated() {
        guard let c = commonType(t, v.type) else {
          let at = args[f == .if ? i + 1 : i]
          throw Diagnostic(
            "\(f.rawValue) needs values of one type; this is \(article(v.type)), the others \(article(t))", at: at.span,
            help: t == .money ? moneyHelp(at) : nil)
        }
        t = c
      }
      let widened = values.map { widen($0, to: t) }
      return make(t, f == .if ? [rs[0]] + widened : widened)
    case .is_null:
      try arity(1...1, "is_null(x)")
      return make(.bool)
    case .lower, .upper, .length:
      try arity(1...1, "\(f.rawValue)(text)")
      try argument(0, [.text], "\(f.rawValue)(text)")
      return make(f == .length ? .int : .text)
    case .contains, .starts_with, .ends_with:
      try arity(2...2, "\(f.rawValue)(text, part)")
      try argument(0, [.text], "\(f.rawValue)(text, part)")
      try argument(1, [.text], "\(f.rawValue)(text, part)")
      return make(.bool)
    case .concat:
      guard !rs.isEmpty else {
        throw Diagnostic("concat takes one or more arguments", at: e.span, help: "usage: concat(a, b, …)")
      }
      return make(.text)
    case .year, .month:
      try arity(1...1, "\(f.rawValue)(date)")
      try argument(0, [.date], "\(f.rawValue)(date)")
      return make(.int)
    case .fy:
      try arity(1...1, "fy(date)")
      try argument(0, [.date], "fy(date)")
      return make(.text)
    case .pct_change:
      try arity(2...2, "pct_change(new, old)")
      try argument(0, numeric, "pct_change(new, old)")
      try argument(1, numeric, "pct_change(new, old)")
      guard let t = commonType(rs[0].type, rs[1].type) else {
        throw Diagnostic("pct_change needs both values of one type", at: e.span, help: "both money, or both numbers")
      }
      let w = rs.map { widen($0, to: t == .int ? .number : t) }
      return make(.number, w)
    case .number:
      try arity(1...1, "number(x)")
      try argument(0, [.int, .number, .money, .text, .bool], "number(x)")
      return make(.number)
    case .money:
      try arity(1...1, "money(x)")
      try argument(0, [.int, .number, .money, .text], "money(x)")
      return make(.money)
    case .text:
      try arity(1...1, "text(x)")
      return make(.text)
    case .date:
      try arity(1...1, "date(text)")
      try argument(0, [.text, .date], "date(text)")
      return make(.date)
    }
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
    func need(_ allowed: [DataType]) throws {
      if t == .null || allowed.contains(t) { return }
      throw Diagnostic(
        "\(agg.rawValue) needs \(allowed.map(article).joined(separator: " or ")), not \(article(t))", at: args[0].span)
    }
    let type: DataType
    switch agg {
    case .count, .count_distinct: type = .int
    case .sum:
      try need([.int, .number, .money])
      type = t
    case .avg, .median:
      try need([.int, .number, .money])
      type = t == .money ? .money : .number
    case .stddev:
      try need([.int, .number, .money])
      type = .number
    case .min, .max, .first, .last:
      type = t
    }
    return ResolvedExpr(kind: .aggregate(agg, r), type: type, span: e.span)
  }

  func resolveWindow(_ w: Window, _ name: Name, _ args: [Expr], _ e: Expr, _ scope: Scope) throws -> ResolvedExpr {
    guard scope.allowWindows else {
      throw Diagnostic(
        "\(w.rawValue)() is a window function and works only in 'derive'", at: e.span,
        help: "| derive x = \(w.rawValue)(…)")
    }
    let rs = try args.map { try resolve($0, scope) }
    func make(_ t: DataType) -> ResolvedExpr { ResolvedExpr(kind: .window(w, rs), type: t, span: e.span) }
    switch w {
    case .row_number, .rank:
      guard rs.isEmpty else { throw Diagnostic("\(w.rawValue)() takes no arguments", at: e.span) }
      if w == .rank && !scope.hasOrder {
        throw Diagnostic(
          "rank() ranks rows by the last sort, and there is none", at: e.span,
          help: "sort first: | sort total desc | derive r = rank()")
      }
      return make(.int)
    case .lag, .lead:
      guard rs.count == 1 || rs.count == 2 else {
        throw Diagnostic(
          "\(w.rawValue) takes a column and an optional offset", at: e.span,
          help: "usage: \(w.rawValue)(x) or \(w.rawValue)(x, 12)")
      }
      if rs.count == 2 {
        guard case .constant(.int(let n)) = rs[1].kind, n >= 0 else {
          throw Diagnostic("the offset of \(w.rawValue) is a whole number of rows", at: args[1].span)
        }
      }
      return make(rs[0].type)
    case .running_sum:
      guard rs.count == 1 else { throw Diagnostic("running_sum takes one argument", at: e.span) }
      guard [.int, .number, .money, .null].contains(rs[0].type) else {
        throw Diagnostic("running_sum needs numbers or money, not \(article(rs[0].type))", at: args[0].span)
      }
      return make(rs[0].type)
    }
  }
}
