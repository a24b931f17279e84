import CIQSystem
import Foundation
import IQCore

// lower, upper, trim, length, contains, starts_with, ends_with, concat, replace,
// substr, left, right, split_part: text.

extension Builtin {
  static let lower = caseChange(
    "lower", summary: "Text in lower case.", example: "from areas | select lower(name) | take 2"
  ) { $0.lowercased() }

  static let upper = caseChange(
    "upper", summary: "Text in upper case.", example: "from areas | select upper(name) | take 2"
  ) { $0.uppercased() }

  /// lower and upper: SQLite changes only A to Z, so it has no SQL for them.
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
      sql: .rule { a, _, _, d in
        guard d != .sqlite else { throw SQLRefusal("\(name)() (SQLite's changes only A to Z)") }
        return "\(name)(\(a[0]))"
      })
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
    sql: .rule { a, _, _, d in
      // Spaces, tabs and no-break spaces, as iq trims.
      switch d {
      case .sqlite: return "trim(\(a[0]), ' ' || char(9) || char(160))"
      case .tsql: return "TRIM(NCHAR(32) + NCHAR(9) + NCHAR(160) FROM \(a[0]))"
      case .spark: return "trim(BOTH concat(' ', char(9), char(160)) FROM \(a[0]))"
      case .duckdb: return "trim(\(a[0]), ' ' || chr(9) || chr(160))"
      case .postgres: return "btrim(\(a[0]), ' ' || chr(9) || chr(160))"
      }
    })

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
    sql: .rule { a, _, _, d in d.length(a[0]) })

  static let contains = textTest(
    "contains", summary: "true where the text contains the part (case matters).",
    example: "from areas | where contains(name, \"upon\") | select name",
    sql: { s, t, d in "(\(d.position(t, in: s)) > 0)" }
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
    sql: { s, t, d in "(\(d.codePoint(d.substring(s, "1", d.length(t)))) = \(t))" }
  ) { text, part in text.utf8.starts(with: part.utf8) }

  static let ends_with = textTest(
    "ends_with", summary: "true where the text ends with the part.",
    example: "from areas | where ends_with(name, \"shire\") | count",
    sql: { s, t, d in
      d == .sqlite
        ? "(\(t) = '' OR substr(\(s), -length(\(t))) = \(t))"
        : "(\(d.length(t)) = 0 OR \(d.codePoint("right(\(s), CAST(\(d.length(t)) AS INT))")) = \(t))"
    }
  ) { text, part in text.utf8.reversed().starts(with: part.utf8.reversed()) }

  /// contains, starts_with, ends_with: a test of text against a part of it.
  private static func textTest(
    _ name: String, summary: String, example: String, sql: @escaping @Sendable (String, String, SQLDialect) -> String,
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
      sql: .rule { a, _, _, d in sql(a[0], a[1], d) })
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
    sql: .rule { a, types, _, d in
      d.concat(try zip(a, types).map { "coalesce(\(try asText($0.0, $0.1, d, in: "concat")), '')" })
    })

  static let replace = Builtin(
    "replace", usage: "replace(text, old, new)", summary: "The text with every old part made new (case matters).",
    example: "from areas | select name, plain = replace(name, \" upon \", \"-upon-\") | where contains(name, \"upon\")",
    typing: { call in
      try call.arity(3...3, "replace(text, old, new)")
      for i in 0..<3 { try call.argument(i, [.text], "replace(text, old, new)") }
      return .text
    },
    kernel: { a, _ in
      guard case .text(let s) = a[0], case .text(let old) = a[1], case .text(let new) = a[2] else { return .null }
      return .text(old.isEmpty ? s : s.replacingOccurrences(of: old, with: new, options: .literal))
    },
    sql: .rule { a, _, _, d in "replace(\(d.codePoint(a[0])), \(a[1]), \(a[2]))" })

  static let substr = Builtin(
    "substr", usage: "substr(text, start[, length])",
    summary:
      "Part of the text: from character start (the first is 1, as in Excel's MID), length characters or to the end.",
    example: "from areas | select area, kind = substr(area, 1, 3), number = substr(area, 4) | take 2",
    typing: { call in
      try call.arity(2...3, "substr(text, start[, length])")
      try call.argument(0, [.text], "substr(text, start[, length])")
      for i in 1..<call.count { try call.argument(i, [.int], "substr(text, start[, length])") }
      return .text
    },
    kernel: { a, row in
      guard case .text(let s) = a[0], case .int(let start) = a[1] else { return .null }
      guard start >= 1 else {
        throw Diagnostic(
          "substr counts characters from 1; this start is \(start)", at: row.span,
          help: "the first character is substr(s, 1, 1)")
      }
      var length = Int64.max
      if a.count > 2 {
        guard case .int(let n) = a[2] else { return .null }
        guard n >= 0 else { throw Diagnostic("substr's length can't be negative (\(n))", at: row.span) }
        length = n
      }
      return .text(characters(s, from: Int(min(start - 1, Int64(Int32.max))), count: length))
    },
    sql: .rule { a, _, _, d in d.substring(a[0], a[1], a.count > 2 ? a[2] : nil) })

  static let left = Builtin(
    "left", usage: "left(text, n)", summary: "The first n characters of the text.",
    example: "from areas | select area, kind = left(area, 3) | take 2",
    typing: { call in try lengthTyping(&call, "left(text, n)") },
    kernel: { a, row in
      guard case .text(let s) = a[0], case .int(let n) = a[1] else { return .null }
      guard n >= 0 else { throw Diagnostic("left's count can't be negative (\(n))", at: row.span) }
      return .text(characters(s, from: 0, count: n))
    },
    sql: .rule { a, _, _, d in d.substring(a[0], "1", a[1]) })

  static let right = Builtin(
    "right", usage: "right(text, n)", summary: "The last n characters of the text.",
    example: "from areas | select area, number = right(area, 6) | take 2",
    typing: { call in try lengthTyping(&call, "right(text, n)") },
    kernel: { a, row in
      guard case .text(let s) = a[0], case .int(let n) = a[1] else { return .null }
      guard n >= 0 else { throw Diagnostic("right's count can't be negative (\(n))", at: row.span) }
      return .text(String(s.suffix(Int(min(n, Int64(Int32.max))))))
    },
    sql: .rule { a, _, _, d in
      let tail = d == .sqlite ? "substr(\(a[0]), -(\(a[1])))" : "right(\(a[0]), CAST(\(a[1]) AS INT))"
      return "CASE WHEN \(a[1]) <= 0 THEN '' ELSE \(tail) END"
    })

  static let split_part = Builtin(
    "split_part", usage: "split_part(text, separator, n)",
    summary: "The nth piece (from 1) of the text cut at each separator; empty text when there are fewer pieces.",
    example: "from areas | select name, first_word = split_part(name, \" \", 1) | take 2",
    typing: { call in
      try call.arity(3...3, "split_part(text, separator, n)")
      try call.argument(0, [.text], "split_part(text, separator, n)")
      try call.argument(1, [.text], "split_part(text, separator, n)")
      try call.argument(2, [.int], "split_part(text, separator, n)")
      return .text
    },
    kernel: { a, row in
      guard case .text(let s) = a[0], case .text(let sep) = a[1], case .int(let n) = a[2] else { return .null }
      guard n >= 1 else {
        throw Diagnostic("split_part counts pieces from 1; this is \(n)", at: row.span)
      }
      guard !sep.isEmpty else { return .text(n == 1 ? s : "") }
      let pieces = s.components(separatedBy: sep)
      return .text(n <= pieces.count ? pieces[Int(n) - 1] : "")
    },
    sql: .rule { a, _, _, d in
      switch d {
      case .duckdb, .postgres, .spark:
        // An empty separator: the whole text is the one piece, as in iq.
        let n = "CAST(\(a[2]) AS INT)"
        return "CASE WHEN \(a[1]) = '' THEN CASE WHEN \(a[2]) = 1 THEN \(a[0]) ELSE '' END "
          + "ELSE coalesce(split_part(\(a[0]), \(a[1]), \(n)), '') END"
      default: throw SQLRefusal("split_part() (\(d.title) has none)")
      }
    })

  private static func lengthTyping(_ call: inout Call, _ usage: String) throws -> DataType {
    try call.arity(2...2, usage)
    try call.argument(0, [.text], usage)
    try call.argument(1, [.int], usage)
    return .text
  }

  /// `count` characters of `s` from the `from`th (0-based), or to the end.
  private static func characters(_ s: String, from: Int, count: Int64) -> String {
    guard let start = s.index(s.startIndex, offsetBy: from, limitedBy: s.endIndex) else { return "" }
    let n = Int(min(count, Int64(Int32.max)))
    let end = s.index(start, offsetBy: n, limitedBy: s.endIndex) ?? s.endIndex
    return String(s[start..<end])
  }
}
