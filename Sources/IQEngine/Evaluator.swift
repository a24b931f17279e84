import IQBuiltins
import IQCore
import IQPlan

/// The rows an expression is evaluated over, and for aggregates and windows
/// the groups they work within.
final class Frame {
  let table: Table
  var rows: Int { table.rowCount }
  /// The rows aggregates read (summarize: the input; derive: `table` itself).
  let aggregateInput: Table?
  /// Groups of `aggregateInput`'s rows.
  let grouping: Grouping?
  /// derive: an aggregate's result is repeated on every row of its group.
  let broadcast: Bool
  let warnings: Warnings
  let cancellation: Cancellation

  init(
    table: Table, aggregateInput: Table? = nil, grouping: Grouping? = nil, broadcast: Bool = false, warnings: Warnings,
    cancellation: Cancellation
  ) {
    self.cancellation = cancellation
    self.table = table
    self.aggregateInput = aggregateInput
    self.grouping = grouping
    self.broadcast = broadcast
    self.warnings = warnings
  }

  /// The frame an aggregate's argument is evaluated in.
  var inner: Frame { Frame(table: aggregateInput ?? table, warnings: warnings, cancellation: cancellation) }
}

/// Counts of rows where something gave null rather than failing, per span.
public final class Warnings: @unchecked Sendable {
  public private(set) var divisionByZero: [Span: Int] = [:]
  /// Division by zero (counted per place) and other warnings, in the order met.
  private var order: [Either] = []
  private enum Either {
    case division(Span)
    case other(Diagnostic)
  }

  public init() {}

  func divisionByZero(at span: Span, rows: Int) {
    guard rows > 0 else { return }
    if divisionByZero[span] == nil { order.append(.division(span)) }
    divisionByZero[span, default: 0] += rows
  }

  /// A warning of its own: a join that repeats rows, a `where` that keeps
  /// nothing because of a letter's case.
  func add(_ d: Diagnostic) {
    var d = d
    d.severity = .warning
    order.append(.other(d))
  }

  public var count: Int { order.count }

  public var diagnostics: [Diagnostic] {
    order.map { entry in
      switch entry {
      case .other(let d): return d
      case .division(let span):
        let n = divisionByZero[span]!
        return Diagnostic(
          "division by zero on \(groupThousands(String(n))) row\(n == 1 ? "" : "s"); the result there is null",
          at: span,
          severity: .warning)
      }
    }
  }
}

/// A compiled expression: evaluates to a column of the frame's rows, or of
/// one row standing for a constant.
typealias Kernel = (Frame) throws -> Column

/// Compiles resolved expressions to kernels, once per step.
package enum Compiler {
  static func compile(_ e: ResolvedExpr) -> Kernel {
    switch e.kind {
    case .constant(let v):
      let c = Column.repeating(v, type: e.type == .null ? .null : e.type, count: 1)
      return { _ in c }
    case .column(let i):
      return { $0.table.columns[i] }
    case .toNumber(let x):
      let k = compile(x)
      return { try k($0).widened(to: .number) }
    case .negate(let x):
      let k = compile(x)
      return { f in try Kernels.negate(try k(f), span: e.span) }
    case .not(let x):
      let k = compile(x)
      return { f in Kernels.not(try k(f)) }
    case .arithmetic(let op, let a, let b):
      let ka = compile(a), kb = compile(b)
      let type = e.type
      return { f in try Kernels.arithmetic(op, try ka(f), try kb(f), rows: f.rows, type: type, span: e.span, frame: f) }
    case .compare(let op, let a, let b):
      let ka = compile(a), kb = compile(b)
      return { f in Kernels.compare(op, try ka(f), try kb(f), rows: f.rows) }
    case .logic(let op, let a, let b):
      let ka = compile(a), kb = compile(b)
      return { f in Kernels.logic(op, try ka(f), try kb(f), rows: f.rows) }
    case .inList(let x, let items, let negated):
      let kx = compile(x)
      let ks = items.map(compile)
      return { f in
        let xc = try kx(f)
        var result: Column?
        for k in ks {
          let eq = Kernels.compare(.equal, xc, try k(f), rows: f.rows)
          result = result.map { Kernels.logic(.or, $0, eq, rows: f.rows) } ?? eq
        }
        let r = result ?? Column(.bool([false]))
        return negated ? Kernels.not(r) : r
      }
    case .function(let fn, let args) where fn.name == "if":
      return compileIf(e, args, function: fn)
    case .function(let fn, let args):
      let ks = args.map(compile)
      let type = e.type
      return { f in try Functions.call(fn, try ks.map { try $0(f) }, rows: f.rows, type: type, span: e.span, frame: f) }
    case .aggregate(let agg, let arg):
      let k = arg.map(compile)
      let type = e.type
      return { f in
        let inner = f.inner
        let input = try k.map { try $0(inner) }
        let grouping = f.grouping ?? .single(rows: inner.rows)
        try f.cancellation.check()
        let x = input.map { materialize($0, rows: inner.rows) }
        let perGroup = try agg.kernel(x, grouping, inner.rows, type, e.span, f.cancellation)
        return f.broadcast ? perGroup.gather(grouping.groupOf) : perGroup
      }
    case .window(let w, let args):
      let ks = args.map(compile)
      let type = e.type
      return { f in
        let cols = try ks.map { try $0(f) }
        return try window(w, cols, frame: f, type: type, span: e.span)
      }
    }
  }

  /// A kernel's result as a full column of `rows` rows (constants repeated).
  static func materialize(_ c: Column, rows: Int) -> Column { c.filled(to: rows) }

  /// Evaluates a value expression (`let x = …`) with no rows in scope.
  package static func evaluateConstant(_ e: ResolvedExpr, warnings: Warnings) throws -> Value {
    // One row: nothing long enough to need stopping.
    let frame = Frame(
      table: Table(fields: [], columns: [], rowCount: 1), warnings: warnings, cancellation: Cancellation())
    return materialize(try compile(e)(frame), rows: 1)[0]
  }
}
