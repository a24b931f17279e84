import IQCore

// year, month, fy: parts of a date.

extension Builtin {
  static let year = datePart(
    "year", summary: "The calendar year of a date.",
    example: "from england | summarize days = sum(total) by year = year(month) | take 3", type: .int,
    sql: { d, dialect in dialect.year(d) }
  ) { .int(Int64(Date.civil($0).year)) }

  static let month = datePart(
    "month", summary: "The month number (1-12) of a date.",
    example: "from england | where month(month) == 1 | select month, total | take 3", type: .int,
    sql: { d, dialect in dialect.month(d) }
  ) { .int(Int64(Date.civil($0).month)) }

  static let fy = datePart(
    "fy", summary: "The UK financial year, from 1 April: fy(@2015-07-01) is \"2015-16\".",
    example: "from england | derive year = fy(month) | select month, year | take 2", type: .text,
    sql: { d, dialect in
      let y = "(\(dialect.year(d)) - CASE WHEN \(dialect.month(d)) < 4 THEN 1 ELSE 0 END)"
      return dialect.concat([
        dialect.zeroPadded(y, width: 4), "'-'", dialect.zeroPadded("((\(y) + 1) % 100)", width: 2),
      ])
    }
  ) { .text(Date.financialYear($0)) }

  private static func datePart(
    _ name: String, summary: String, example: String, type: DataType,
    sql: @escaping @Sendable (String, SQLDialect) -> String, _ part: @escaping @Sendable (Int32) -> Value
  ) -> Builtin {
    Builtin(
      name, usage: "\(name)(date)", summary: summary, example: example,
      typing: { call in
        try call.arity(1...1, "\(name)(date)")
        try call.argument(0, [.date], "\(name)(date)")
        return type
      },
      kernel: { a, _ in
        guard case .date(let d) = a[0] else { return .null }
        return part(d)
      },
      sql: .rule { a, _, _, d in sql(a[0], d) })
  }
}
