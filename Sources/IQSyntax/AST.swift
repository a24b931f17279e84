import IQCore

/// The parsed tree: names are still text, nothing is typed yet.

public struct Name: Equatable, Sendable {
  public var text: String
  public var span: Span

  package init(text: String, span: Span) {
    self.text = text
    self.span = span
  }

  /// A name as it is written in a query: in backticks unless it is a plain identifier.
  public static func written(_ name: String) -> String {
    let plain =
      name.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
      && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    return plain ? name : "`\(name)`"
  }
}

public enum UnaryOp: String, Sendable { case negate = "-", not = "not" }

public enum BinaryOp: String, Sendable, CaseIterable {
  case or, and
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
  case add = "+", subtract = "-", multiply = "*", divide = "/"

  var isComparison: Bool {
    switch self {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
    default: return false
    }
  }
}

public indirect enum ExprKind: Equatable, Sendable {
  /// A literal, decoded: `£311m` is `.money(31_100_000_000)`.
  case literal(Value)
  /// A column or `let` value; `table.column` after a join.
  case name(String)
  case unary(UnaryOp, Expr)
  case binary(BinaryOp, Expr, Expr)
  case call(Name, [Expr])
  /// `x in (a, b)`, or `x not in (a, b)` when negated.
  case inList(Expr, [Expr], negated: Bool)
}

public struct Expr: Equatable, Sendable {
  public var kind: ExprKind
  public var span: Span
}

/// `name = expr`, or a bare expression whose name is derived from it.
public struct Assignment: Equatable, Sendable {
  public var name: Name?
  public var value: Expr
}

public enum SortDirection: String, Sendable { case asc, desc }

public struct SortKey: Equatable, Sendable {
  public var value: Expr
  public var direction: SortDirection
}

/// `from T`, `from "path.csv" [with …]` or `from stdin [with …]`.
public enum SourceRef: Equatable, Sendable {
  case table(Name)
  case file(String, Span, options: [FileOption])
  /// Standard input; the span is the word `stdin`.
  case standardInput(Span, options: [FileOption])

  package var span: Span {
    switch self {
    case .table(let n): return n.span
    case .file(_, let s, _), .standardInput(let s, _): return s
    }
  }

  /// A file or standard input, not a table.
  public var isFile: Bool { if case .table = self { return false } else { return true } }
}

/// `skip = 3`, `nulls = ("n/k", "unknown")`, `types = (code: text)`.
public struct FileOption: Equatable, Sendable {
  public var name: Name
  public var value: OptionValue
  /// The value as written.
  public var span: Span
}

public enum OptionValue: Equatable, Sendable {
  /// A number or a text in quotes.
  case literal(Value)
  /// `("n/k", "unknown")`.
  case list([Value])
  /// `(code: text, month: date)`: a column and a type name each.
  case types([ColumnType])
}

public struct ColumnType: Equatable, Sendable {
  public var column: Name
  public var type: Name
}

public enum JoinCondition: Equatable, Sendable {
  /// `on area, month`: the same name on both sides.
  case columns([Name])
  /// `on a == b`: `a` of the input, `b` of the joined table.
  case equal(Name, Name)
}

public enum StepKind: Equatable, Sendable {
  case from(SourceRef)
  case `where`(Expr)
  case derive([Assignment], by: [Assignment])
  case select([Assignment])
  case drop([Name])
  case rename([Renaming])
  case summarize([Assignment], by: [Assignment])
  case sort([SortKey])
  case take(Expr)
  case top(Expr, SortKey)
  /// `many`: the user said rows may repeat (`join many T on k`), so no warning.
  case join(left: Bool, SourceRef, JoinCondition, many: Bool)
  case distinct([Name])
  case count
  case append(SourceRef)
  /// `save "out.xlsx" with sheet = "Regions"`: the options are checked by the resolver.
  case save(String, Span, options: [FileOption])
  case chart(ChartKind, x: Expr, y: Expr, series: Name?, path: FileName?)
}

/// `new = old` in `rename`.
public struct Renaming: Equatable, Sendable {
  public var new: Name
  public var old: Name
}

/// A file name in quotes, as in `chart … to "x.svg"`: its text, unescaped, and where it is written.
public struct FileName: Equatable, Sendable {
  public var text: String
  public var span: Span
}

/// The verbs; each names the step it begins.
public enum Verb: String, CaseIterable, Sendable {
  case from, `where`, derive, select, drop, rename, summarize, sort, take, top, join, distinct,
    count, append, save, chart
}

/// `chart bar`, `chart line`, `chart spc`.
public enum ChartKind: String, CaseIterable, Sendable {
  case bar, line, spc
}

public struct Step: Equatable, Sendable {
  public var verb: Verb
  public var kind: StepKind
  public var span: Span
}

public struct Pipeline: Equatable, Sendable {
  public var steps: [Step]
  public var span: Span
}

public enum StatementKind: Equatable, Sendable {
  case pipeline(Pipeline)
  case letPipeline(Name, Pipeline)
  case letValue(Name, Expr)
  /// A bare expression, printed as one value: `£311m / 87k`.
  case expression(Expr)
  /// `.mode csv`: the command name and the rest of the line.
  case dotCommand(name: String, argument: String)
}

public struct Statement: Equatable, Sendable {
  public var kind: StatementKind
  public var span: Span
}
