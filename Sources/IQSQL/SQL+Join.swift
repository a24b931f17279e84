import IQBuiltins
import IQCore
import IQPlan
import IQSyntax

extension SQLTranslator {
  /// A join: the joined table numbered in its own order, matched on the keys, each row placed by (left, right) order.
  func join(
    _ j: JoinPlan, input: [Field], output: [Field], prev: String, span: Span, verb: Verb, ranked: Bool
  ) throws -> String {
    guard case .named(let table) = j.source else { throw notTranslatable("joining a file", span, verb: verb) }
    let rightFields = Array(output.dropFirst(input.count))
    let kept = zip(j.rightKept, rightFields).map { "r.\(quote(j.rightNames[$0.0])) AS \(quote($0.1.name))" }
    let on = zip(j.leftKeys, j.rightKeys).map { l, r in
      let (a, b) = ("l.\(quote(input[l].name))", "r.\(quote(j.rightNames[r]))")
      return input[l].type == .text ? "\(dialect.codePoint(a)) = \(b)" : "\(a) = \(b)"
    }
    // A left row matched twice ties with itself.
    let cols = [list(input, prefix: "l.")] + kept + (ranked ? ["l._rk"] : [])
    return """
      SELECT \(cols.filter { !$0.isEmpty }.joined(separator: ", ")), ROW_NUMBER() OVER (ORDER BY l._ord, r._ord) AS _ord
        FROM \(prev) AS l \(j.isLeft ? "LEFT JOIN" : "JOIN") (\(try scan(table, span: span, verb: verb))) AS r ON \(on.joined(separator: " AND "))
      """
  }
}
