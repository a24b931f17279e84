import IQBuiltins
import IQCore
import IQSyntax

/// The resolved plan: every name bound to a column position, every type
/// known. Only this reaches the evaluator.

public indirect enum ResolvedKind: Sendable {
  case constant(Value)
  case column(Int)
  /// An int widened to a number.
  case toNumber(ResolvedExpr)
  case negate(ResolvedExpr)
  case not(ResolvedExpr)
  case arithmetic(BinaryOp, ResolvedExpr, ResolvedExpr)
  case compare(BinaryOp, ResolvedExpr, ResolvedExpr)
  case logic(BinaryOp, ResolvedExpr, ResolvedExpr)
  case inList(ResolvedExpr, [ResolvedExpr], negated: Bool)
  case function(Builtin, [ResolvedExpr])
  /// Over the rows of each group; its argument is bound to the step's input.
  case aggregate(Aggregate, ResolvedExpr?)
  case window(Window, [ResolvedExpr])
}

public struct ResolvedExpr: Sendable {
  public var kind: ResolvedKind
  public var type: DataType
  public var span: Span
}

/// Where a `from`, `join` or `append` reads its rows.
public enum TableSource: Sendable {
  case named(String)
  /// A file, and the columns to read of it (nil: all).
  case file(FileSource, columns: Set<String>?)
}

public struct JoinPlan: Sendable {
  public var isLeft: Bool
  public var source: TableSource
  public var leftKeys: [Int]
  public var rightKeys: [Int]
  /// Columns of the joined table that appear in the output, in order.
  public var rightKept: [Int]
  /// The joined table's own column names, by position.
  public var rightNames: [String]
  public var span: Span
  /// What to call the joined table in a message: its name or path.
  public var label: String
  /// `join many`: rows may repeat, so the join does not warn that they do.
  public var many: Bool
}

public enum PlanStep: Sendable {
  case scan(TableSource)
  case filter(ResolvedExpr)
  /// Each item is computed in turn against the table so far; `replacing`
  /// is the position of a column it overwrites.
  case derive([(expr: ResolvedExpr, replacing: Int?)], groups: [ResolvedExpr])
  case project([ResolvedExpr])
  /// Keep these input columns, in this order (drop, rename).
  case columns([Int])
  case summarize(keys: [ResolvedExpr], aggregates: [ResolvedExpr])
  case sort([(ResolvedExpr, descending: Bool)])
  case take(Int)
  case top(Int, ResolvedExpr, descending: Bool)
  case join(JoinPlan)
  case distinct([Int])
  /// For each output column, its position in the appended table, if it has one.
  case append(TableSource, mapping: [Int?])
  /// A file, where its name is, and a workbook's sheet.
  case save(String, Span, sheet: String?)
  /// The last step: the input becomes the chart's columns (x, y[, series]).
  case chart(ChartSpec)
}

public struct ChartSpec: Sendable {
  public var kind: ChartKind
  public var x: ResolvedExpr
  public var y: ResolvedExpr
  public var series: ResolvedExpr?
  public var path: String?
  public var pathSpan: Span?
}

public struct Plan: Sendable {
  /// One step as resolved, with what later stages (the engine, SQL,
  /// `.explain`) need to know of it without reading the AST.
  public struct Step: Sendable {
    public var step: PlanStep
    /// The table's columns after the step.
    public var fields: [Field]
    public var span: Span
    public var verb: Verb
  }

  public var steps: [Step]
  public var fields: [Field] { steps.last?.fields ?? [] }

  /// The chart the pipeline ends with, if it does.
  public var chart: ChartSpec? {
    if case .chart(let spec) = steps.last?.step { return spec }
    return nil
  }
}

extension Plan {
  /// The steps from `index` on, reading the table the earlier steps made
  /// under `name`: what iq runs itself after an engine has run the rest.
  public func remainder(from index: Int, reading name: String) -> Plan {
    let first = steps[index - 1]
    let scan = Step(step: .scan(.named(name)), fields: first.fields, span: first.span, verb: first.verb)
    return Plan(steps: [scan] + steps[index...])
  }

  /// The first `count` steps.
  public func prefix(_ count: Int) -> Plan { Plan(steps: Array(steps.prefix(count))) }
}
