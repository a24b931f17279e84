import IQBuiltins
import IQCore

extension Compiler {
  /// Runs a window function (its kernel is in IQBuiltins) within each `by`
  /// group, in the current row order.
  static func window(_ w: Window, _ args: [Column], frame: Frame, type: DataType, span: Span) throws -> Column {
    let rows = frame.rows
    let grouping = frame.grouping ?? .single(rows: rows)
    try frame.cancellation.check()
    var members = [[Int]](repeating: [], count: grouping.count)
    for i in 0..<rows {
      try frame.cancellation.poll(i)
      members[grouping.groupOf[i]].append(i)
    }
    let order = frame.table.order
    return try w.kernel(
      WindowInput(
        arguments: args, members: members, rows: rows, order: order, type: type, span: span,
        cancellation: frame.cancellation))
  }
}
