import IQCore

// coalesce, if, is_null: choosing between values, and nulls.

extension Builtin {
  static let coalesce = Builtin(
    "coalesce", usage: "coalesce(a, b, ...)", summary: "The first value that is not null.",
    example:
      "from delay_reasons | where is_null(days) | derive shown = coalesce(days, 0) | select area, month, reason, shown | take 2",
    perDistinctValue: false, seesNulls: true,
    typing: { call in
      try call.atLeastOne("coalesce(a, b, …)")
      return try call.oneType()
    },
    kernel: { a, _ in a.first { !$0.isNull } ?? .null },
    sql: .rule { a, _, _, d in "coalesce(\(a.joined(separator: ", "))\(a.count == 1 ? ", NULL" : ""))" })

  static let `if` = Builtin(
    "if", usage: "if(condition, then, else)",
    summary:
      "then where the condition is true, else otherwise (also where it is null); each is worked out only on its own rows, so if(x == \"n/a\", null, number(x)) works.",
    example:
      "from england | derive busy = if(total > 150000, \"busy\", \"quieter\") | select month, total, busy | take 3",
    perDistinctValue: false, seesNulls: true,
    typing: { call in
      try call.arity(3...3, "if(condition, then, else)")
      if call.types[0] != .bool && call.types[0] != .null {
        let t = call.types[0]
        throw Diagnostic(
          "the first argument of if() is a condition; this is \(article(t)), not true or false",
          at: call.argumentSpans[0],
          help: t == .text || t.isNumeric ? "compare it with something: … > 0, … == \"x\"" : nil)
      }
      return try call.oneType(from: 1)
    },
    kernel: { a, _ in
      if case .bool(true) = a[0] { return a[1] }
      return a[2]
    },
    sql: .rule { a, _, _, d in "CASE WHEN \(a[0]) THEN \(a[1]) ELSE \(a[2]) END" })

  static let is_null = Builtin(
    "is_null", usage: "is_null(x)", summary: "true where x is null.",
    example: "from delay_reasons | summarize missing = count_distinct(if(is_null(days), reason, null))",
    perDistinctValue: false, seesNulls: true,
    typing: { call in
      try call.arity(1...1, "is_null(x)")
      return .bool
    },
    kernel: { a, _ in .bool(a[0].isNull) },
    sql: .rule { a, _, _, d in "(\(a[0]) IS NULL)" })
}
