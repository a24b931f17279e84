import Foundation

/// Excel's format codes, so spreadsheet habits carry over:
/// `dd/mm/yyyy`, `mmm-yy`, `d mmmm yyyy` for dates; `£#,##0.00`, `0.0%`,
/// `#,##0;(#,##0)` for numbers. `format(x, code)` writes with them and
/// `date(x, code)` reads with them; a workbook's cell formats are read by
/// the same rules.
public enum ExcelFormat {
  /// A piece of a code: a run of one date letter (`dd`, `mmm`, `yyyy`) or literal text.
  enum Piece: Equatable {
    case day(Int), month(Int), year(Int)
    case literal(String)
  }

  /// The pieces of a date code; nil when it has no date letter or has a
  /// number placeholder (`0`, `#`).
  static func datePieces(_ code: String) -> [Piece]? {
    var pieces: [Piece] = []
    let chars = Array(code)
    var i = 0
    var hasLetter = false
    while i < chars.count {
      let c = chars[i]
      let lower = Character(c.lowercased())
      if lower == "d" || lower == "m" || lower == "y" {
        var n = 0
        while i < chars.count && Character(chars[i].lowercased()) == lower {
          n += 1
          i += 1
        }
        hasLetter = true
        pieces.append(lower == "d" ? .day(n) : lower == "m" ? .month(n) : .year(n))
        continue
      }
      if c == "0" || c == "#" { return nil }
      if c == "\"" {
        // Quoted literal text.
        let (text, end) = enclosed(chars, after: i, until: "\"")
        pieces.append(.literal(text))
        i = end + 1
        continue
      }
      if c == "\\" && i + 1 < chars.count {
        pieces.append(.literal(String(chars[i + 1])))
        i += 2
        continue
      }
      pieces.append(.literal(String(c)))
      i += 1
    }
    return hasLetter ? pieces : nil
  }

  /// Whether a code formats dates (a workbook cell with it holds a date).
  public static func isDateCode(_ code: String) -> Bool {
    // Colours and conditions in brackets (`[Red]`, `[$-809]`) say nothing of dates.
    let plain = code.replacingOccurrences(of: #"\[[^\]]*\]"#, with: "", options: .regularExpression)
    return datePieces(plain.split(separator: ";").first.map(String.init) ?? plain) != nil
  }

  static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
  ]
  static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

  /// A date written with a date code; nil when the code is not one.
  public static func format(date days: Int32, _ code: String) -> String? {
    guard let pieces = datePieces(code) else { return nil }
    let (y, m, d) = Date.civil(days)
    var out = ""
    for p in pieces {
      switch p {
      case .day(let n):
        let weekday = Int(((Int64(days) % 7) + 7 + 4) % 7)  // 1970-01-01 was a Thursday
        switch n {
        case 1: out += "\(d)"
        case 2: out += d < 10 ? "0\(d)" : "\(d)"
        case 3: out += String(dayNames[weekday].prefix(3))
        default: out += dayNames[weekday]
        }
      case .month(let n):
        switch n {
        case 1: out += "\(m)"
        case 2: out += m < 10 ? "0\(m)" : "\(m)"
        case 3: out += String(monthNames[m - 1].prefix(3))
        case 4: out += monthNames[m - 1]
        default: out += String(monthNames[m - 1].prefix(1))
        }
      case .year(let n):
        out += n <= 2 ? String(format: "%02d", y % 100) : String(format: "%04d", y)
      case .literal(let s): out += s
      }
    }
    return out
  }

  /// Reads text written with a date code: `date("01/04/2015", "dd/mm/yyyy")`.
  /// Day and month numbers may have one digit or two; month names any case.
  public static func parseDate(_ text: String, _ code: String) -> Int32? {
    guard let pieces = datePieces(code) else { return nil }
    let s = Array(text.trimmingCharacters(in: .whitespaces).utf8)
    var i = 0
    var day = 1, month = 1, year: Int?
    func number(_ most: Int) -> Int? {
      let start = i
      var v = 0
      while i < s.count && i - start < most && s[i] >= 48 && s[i] <= 57 {
        v = v * 10 + Int(s[i] - 48)
        i += 1
      }
      return i > start ? v : nil
    }
    func word() -> String {
      let start = i
      while i < s.count && ((s[i] | 0x20) >= 97 && (s[i] | 0x20) <= 122) { i += 1 }
      return String(decoding: s[start..<i], as: UTF8.self).lowercased()
    }
    /// Digits for `d` `dd` `m` `mm`; for longer codes a name, three letters at least.
    func numberOrName(_ n: Int, _ names: [String]) -> Int? {
      if n <= 2 { return number(2) }
      let w = word()
      guard w.count >= 3, let k = names.firstIndex(where: { $0.lowercased().hasPrefix(w) }) else { return nil }
      return k + 1
    }
    for p in pieces {
      switch p {
      case .day(let n):
        // A weekday's name says nothing the date doesn't.
        guard let v = numberOrName(n, dayNames) else { return nil }
        if n <= 2 { day = v }
      case .month(let n):
        guard let v = numberOrName(n, monthNames) else { return nil }
        month = v
      case .year(let n):
        guard let v = number(n <= 2 ? 2 : 4) else { return nil }
        year = n <= 2 ? (v < 30 ? 2000 + v : 1900 + v) : v
      case .literal(let lit):
        for b in lit.utf8 {
          guard i < s.count, s[i] | 0x20 == b | 0x20 else { return nil }
          i += 1
        }
      }
    }
    guard i == s.count, let year, (1...12).contains(month), day >= 1, day <= Date.daysInMonth(year, month) else {
      return nil
    }
    return Date.days(year: year, month: month, day: day)
  }

  /// A number written with a number code: `£#,##0.00`, `0.0%`, `#,##0`,
  /// sections for negatives and zero (`#,##0;(#,##0);-`); nil when the
  /// code has no digit placeholder.
  public static func format(number value: Double, _ code: String) -> String? {
    let sections = split(code)
    guard let positive = NumberSection(sections[0]) else { return nil }
    // A section with no digit placeholder is shown as its text (`-` for zero).
    if value == 0, sections.count >= 3 { return NumberSection(sections[2])?.write(0) ?? literal(sections[2]) }
    if value < 0, sections.count >= 2 { return NumberSection(sections[1])?.write(-value) ?? literal(sections[1]) }
    let text = positive.write(abs(value))
    // A value that rounds to zero shows no sign.
    return value < 0 && text.contains(where: { $0.isNumber && $0 != "0" }) ? "-" + text : text
  }

  /// A section's text without its codes: quotes and escapes taken off,
  /// `_x` a space, `*x` nothing, `[…]` dropped.
  static func literal(_ section: String) -> String {
    var out = ""
    var chars = section.makeIterator()
    var quoted = false
    while let c = chars.next() {
      if c == "\"" {
        quoted.toggle()
      } else if quoted {
        out.append(c)
      } else if c == "\\" || c == "_" || c == "*" {
        let next = chars.next()
        if c == "\\", let next { out.append(next) } else if c == "_" { out.append(" ") }
      } else if c == "[" {
        while let d = chars.next(), d != "]" {}
      } else {
        out.append(c)
      }
    }
    return out
  }

  /// The text after `chars[open]` up to the next `close` (or the end), and
  /// where that `close` is.
  static func enclosed(_ chars: [Character], after open: Int, until close: Character) -> (String, Int) {
    var end = open + 1
    while end < chars.count && chars[end] != close { end += 1 }
    return (String(chars[min(open + 1, end)..<end]), end)
  }

  /// The code's sections, split at `;` outside quotes.
  static func split(_ code: String) -> [String] {
    var sections = [""]
    var quoted = false
    for c in code {
      if c == "\"" { quoted.toggle() }
      if c == ";" && !quoted {
        sections.append("")
      } else {
        sections[sections.count - 1].append(c)
      }
    }
    return sections
  }

  /// One section of a number code: text before and after the digits,
  /// how many digits must show, decimals, thousands and percent.
  struct NumberSection {
    var prefix = "", suffix = ""
    var minimumWhole = 0, decimals = 0, requiredDecimals = 0
    var thousands = false, percent = false

    init?(_ code: String) {
      var seenDigit = false, afterPoint = false, done = false
      let chars = Array(code)
      var i = 0
      while i < chars.count {
        let c = chars[i]
        var literal: String?
        switch c {
        case "0", "#", "?":
          guard !done else { return nil }
          seenDigit = true
          if afterPoint {
            decimals += 1
            if c == "0" { requiredDecimals = decimals }
          } else if c == "0" {
            minimumWhole += 1
          }
        case "." where !done && (seenDigit || (i + 1 < chars.count && "0#?".contains(chars[i + 1]))):
          seenDigit = true
          afterPoint = true
        case "," where seenDigit && !afterPoint && !done:
          thousands = true
        case "%":
          percent = true
          literal = "%"
        case "\"":
          (literal, i) = ExcelFormat.enclosed(chars, after: i, until: "\"")
        case "\\":
          if i + 1 < chars.count {
            literal = String(chars[i + 1])
            i += 1
          }
        case "[":
          // `[Red]`, `[$£-809]`: the currency symbol is kept, the rest dropped.
          let (text, end) = ExcelFormat.enclosed(chars, after: i, until: "]")
          if text.hasPrefix("$") { literal = String(text.dropFirst().prefix { $0 != "-" }) }
          i = end
        case "_", "*":
          // `_)` leaves a space as wide as `)`; `*` repeats to fill: a space will do.
          literal = " "
          i += 1
        default:
          literal = String(c)
        }
        if let literal {
          if seenDigit {
            done = true
            suffix += literal
          } else {
            prefix += literal
          }
        }
        i += 1
      }
      guard seenDigit else { return nil }
    }

    /// `value` (not negative) written in this section's way, rounded half
    /// away from zero as Excel does, from the number's shortest decimal.
    func write(_ value: Double) -> String {
      let v = percent ? value * 100 : value
      let exact = NSDecimalNumber(string: "\(v)")
      let handler = NSDecimalNumberHandler(
        roundingMode: .plain, scale: Int16(decimals), raiseOnExactness: false, raiseOnOverflow: false,
        raiseOnUnderflow: false, raiseOnDivideByZero: false)
      let rounded = exact == .notANumber ? NSDecimalNumber(value: v) : exact.rounding(accordingToBehavior: handler)
      var digits = rounded.stringValue  // `1234.5`, no grouping
      if digits.hasPrefix("-") { digits.removeFirst() }
      let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
      var whole = String(parts[0])
      var fraction = parts.count > 1 ? String(parts[1]) : ""
      if whole == "0" && minimumWhole == 0 { whole = "" }
      while whole.count < minimumWhole { whole = "0" + whole }
      if thousands { whole = groupThousands(whole) }
      while fraction.count < requiredDecimals { fraction += "0" }
      let point = decimals > 0 && (!fraction.isEmpty || requiredDecimals > 0) ? "." : ""
      return prefix + whole + point + fraction + suffix
    }
  }
}
