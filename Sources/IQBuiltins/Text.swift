import CIQSystem
import Foundation
import IQCore

// lower, upper, length, contains, starts_with, ends_with, concat: text.

extension Builtin {
  static let lower = caseChange(
    "lower", summary: "Text in lower case.", example: "from areas | select lower(name) | take 2"
  ) { $0.lowercased() }

  static let upper = caseChange(
    "upper", summary: "Text in upper case.", example: "from areas | select upper(name) | take 2"
  ) { $0.uppercased() }

  /// lower and upper: SQLite's know only ASCII, so neither has SQL.
  private static func caseChange(
    _ name: String, summary: String, example: String, _ change: @escaping @Sendable (String) -> String
  ) -> Builtin {
    Builtin(
      name, usage: "\(name)(text)", summary: summary, example: example,
      typing: { call in
        try call.arity(1...1, "\(name)(text)")
        try call.argument(0, [.text], "\(name)(text)")
        return .text
      },
      kernel: { a, _ in
        guard case .text(let s) = a[0] else { return .null }
        return .text(change(s))
      },
      sql: .none("\(name)() (SQLite's differs from iq's)"))
  }

  static let trim = Builtin(
    "trim", usage: "trim(text)", summary: "The text without the spaces (and tabs) at either end.",
    example:
      "from areas | select padded = concat(\"  \", name, \" \"), trimmed = trim(concat(\"  \", name, \" \")) | take 2",
    typing: { call in
      try call.arity(1...1, "trim(text)")
      try call.argument(0, [.text], "trim(text)")
      return .text
    },
    kernel: { a, _ in
      guard case .text(let s) = a[0] else { return .null }
      return .text(s.trimmingCharacters(in: .whitespaces))
    },
    sql: .rule { a, _, _ in "trim(\(a[0]), ' ' || char(9) || char(160))" })

  static let length = Builtin(
    "length", usage: "length(text)", summary: "The number of characters.",
    example: "from areas | top 2 by length(name)",
    typing: { call in
      try call.arity(1...1, "length(text)")
      try call.argument(0, [.text], "length(text)")
      return .int
    },
    kernel: { a, _ in
      guard case .text(let s) = a[0] else { return .null }
      return .int(Int64(s.count))
    },
    sql: .rule { a, _, _ in "length(\(a[0]))" })

  static let contains = textTest(
    "contains", summary: "true where the text contains the part (case matters).",
    example: "from areas | where contains(name, \"upon\") | select name",
    sql: { "(instr(\($0), \($1)) > 0)" }
  ) { text, part in
    // Byte for byte, as starts_with and ends_with compare and SQLite's instr
    // does. (Foundation's range(of:) compared by UTF-16 and trapped on some
    // texts holding U+FFFD and NUL.)
    var text = text, part = part
    return text.withUTF8 { t in
      part.withUTF8 { p in iq_contains_bytes(t.baseAddress, t.count, p.baseAddress, p.count) != 0 }
    }
  }

  static let starts_with = textTest(
    "starts_with", summary: "true where the text begins with the part.",
    example: "from areas | where starts_with(name, \"North \") | select name",
    sql: { "(substr(\($0), 1, length(\($1))) = \($1))" }
  ) { text, part in text.utf8.starts(with: part.utf8) }

  static let ends_with = textTest(
    "ends_with", summary: "true where the text ends with the part.",
    example: "from areas | where ends_with(name, \"shire\") | count",
    sql: { "(\($1) = '' OR substr(\($0), -length(\($1))) = \($1))" }
  ) { text, part in text.utf8.reversed().starts(with: part.utf8.reversed()) }

  /// contains, starts_with, ends_with: a test of text against a part of it.
  private static func textTest(
    _ name: String, summary: String, example: String, sql: @escaping @Sendable (String, String) -> String,
    _ test: @escaping @Sendable (String, String) -> Bool
  ) -> Builtin {
    let usage = "\(name)(text, part)"
    return Builtin(
      name, usage: usage, summary: summary, example: example,
      typing: { call in
        try call.arity(2...2, usage)
        try call.argument(0, [.text], usage)
        try call.argument(1, [.text], usage)
        return .bool
      },
      kernel: { a, _ in
        guard case .text(let s) = a[0], case .text(let t) = a[1] else { return .null }
        return .bool(test(s, t))
      },
      sql: .rule { a, _, _ in sql(a[0], a[1]) })
  }

  static let concat = Builtin(
    "concat", usage: "concat(a, ...)", summary: "Joins values as text; nulls are skipped.",
    example: "from areas | select label = concat(name, \" (\", region, \")\") | take 2",
    perDistinctValue: false, seesNulls: true,
    typing: { call in
      try call.atLeastOne("concat(a, b, …)")
      return .text
    },
    kernel: { a, _ in .text(a.filter { !$0.isNull }.map(\.asText).joined()) },
    sql: .none("concat() (SQLite's differs from iq's)"))
}
