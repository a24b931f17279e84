import Foundation
import IQCore
import IQSyntax

/// `from "PATH" with …` and `from stdin`: the options checked and read
/// into `ReadOptions`, each error at the option that caused it.
extension Resolver {
  public static let optionNames = ["skip", "header", "delimiter", "nulls", "types", "sheet", "range"]
  public static let typeNames = ["text", "int", "number", "money", "date", "bool"]

  func readOptions(_ options: [FileOption], workbook: Bool) throws -> ReadOptions {
    var out = ReadOptions()
    var seen: Set<String> = []
    for o in options {
      let name = o.name.text.lowercased()
      guard Resolver.optionNames.contains(name) else {
        let guess = closest(to: name, in: Resolver.optionNames)
        throw Diagnostic(
          "unknown option '\(o.name.text)'", at: o.name.span,
          help: (guess.map { "did you mean '\($0)'? " } ?? "")
            + "options: \(Resolver.optionNames.joined(separator: ", "))",
          fix: guess.map { Diagnostic.Fix(o.name.span, $0) })
      }
      guard seen.insert(name).inserted else {
        throw Diagnostic("\(name) is given twice", at: o.name.span, help: "give each option once")
      }
      if workbook && name == "delimiter" {
        throw Diagnostic(
          "delimiter is for delimited text; this is a workbook", at: o.name.span,
          help: "for a workbook use sheet, range, skip, header, nulls or types")
      }
      switch name {
      case "skip": out.skip = try count(o, 0...1_000_000, "skip = 3 (lines above the header)")
      case "header": out.header = try count(o, 0...2, "header = 0 (no header), 1 or 2 (two rows joined)")
      case "delimiter": out.delimiter = try delimiter(o)
      case "nulls": out.nulls = try texts(o)
      case "types": out.types = try types(o)
      case "sheet", "range":
        guard workbook else {
          throw Diagnostic(
            "\(name) is for Excel workbooks; this is delimited text", at: o.name.span,
            help: "for a text file use skip, header, delimiter, nulls or types")
        }
        if name == "range" {
          guard case .literal(.text(let r)) = o.value,
            r.range(
              of: #"^\$?[A-Za-z]{1,3}\$?[0-9]{1,7}(:\$?[A-Za-z]{1,3}\$?[0-9]{1,7})?$"#, options: .regularExpression)
              != nil
          else { throw wrongValue(o, "range = \"A3:K200\" (from the top left cell to the bottom right)") }
          out.range = r
        } else {
          switch o.value {
          case .literal(.text(let s)): out.sheet = .name(s)
          case .literal(.int(let n)) where n >= 1: out.sheet = .number(Int(n))
          default: throw wrongValue(o, "sheet = \"Regions\" or sheet = 2")
          }
        }
      default: break
      }
    }
    return out
  }

  func wrongValue(_ o: FileOption, _ example: String) -> Diagnostic {
    Diagnostic("this is not a value \(o.name.text) takes", at: o.span, help: "write \(example)")
  }

  func count(_ o: FileOption, _ range: ClosedRange<Int64>, _ example: String) throws -> Int {
    guard case .literal(.int(let n)) = o.value, range.contains(n) else { throw wrongValue(o, example) }
    return Int(n)
  }

  func delimiter(_ o: FileOption) throws -> UInt8 {
    let allowed: [String: UInt8] = [",": 44, ";": 59, "\t": 9, "|": 124, "tab": 9]
    guard case .literal(.text(let s)) = o.value, let d = allowed[s.lowercased()] else {
      throw wrongValue(o, "delimiter = \",\", \";\", \"\\t\" (tab) or \"|\"")
    }
    return d
  }

  func texts(_ o: FileOption) throws -> [String] {
    switch o.value {
    case .literal(.text(let s)): return [s]
    case .list(let vs):
      return try vs.map { v in
        guard case .text(let s) = v else { throw wrongValue(o, "nulls = (\"n/k\", \"unknown\")") }
        return s
      }
    default: throw wrongValue(o, "nulls = (\"n/k\", \"unknown\")")
    }
  }

  func types(_ o: FileOption) throws -> [String: DataType] {
    guard case .types(let pairs) = o.value else { throw wrongValue(o, "types = (code: text, month: date)") }
    var out: [String: DataType] = [:]
    for p in pairs {
      let t = p.type.text.lowercased()
      guard Resolver.typeNames.contains(t), let type = DataType(rawValue: t) else {
        let guess = closest(to: t, in: Resolver.typeNames)
        throw Diagnostic(
          "unknown type '\(p.type.text)'", at: p.type.span,
          help: (guess.map { "did you mean '\($0)'? " } ?? "") + "types: \(Resolver.typeNames.joined(separator: ", "))",
          fix: guess.map { Diagnostic.Fix(p.type.span, $0) })
      }
      out[p.column.text] = type
    }
    return out
  }

  /// `save "out.xlsx" with sheet = "Regions"`: the one option a save takes,
  /// and only for a workbook; the name one Excel allows.
  func saveSheet(_ options: [FileOption], workbook: Bool) throws -> String? {
    var sheet: String?
    for o in options {
      guard o.name.text.lowercased() == "sheet" else {
        throw Diagnostic(
          "save takes one option, sheet (for a workbook), not \(o.name.text)", at: o.name.span,
          help: "save \"out.xlsx\" with sheet = \"Regions\"")
      }
      guard workbook else {
        throw Diagnostic(
          "sheet is for saving a workbook (.xlsx)", at: o.name.span, help: "save \"out.xlsx\" with sheet = \"Regions\"")
      }
      guard sheet == nil else { throw Diagnostic("sheet is given twice", at: o.name.span, help: "give it once") }
      guard case .literal(.text(let s)) = o.value else { throw wrongValue(o, "sheet = \"Regions\"") }
      let trimmed = s.trimmingCharacters(in: .whitespaces)
      let bad = s.first { ":\\/?*[]".contains($0) || $0.unicodeScalars.contains { $0.value < 32 } }
      guard !trimmed.isEmpty, s.count <= 31, bad == nil, !s.hasPrefix("'"), !s.hasSuffix("'"),
        trimmed.lowercased() != "history"
      else {
        let why =
          trimmed.isEmpty
          ? "is empty"
          : s.count > 31
            ? "is longer than 31 characters"
            : bad.map { $0.isLetter || $0.isPunctuation || $0.isSymbol ? "has \($0)" : "has a control character" }
              ?? "isn't one Excel allows"
        throw Diagnostic(
          "a sheet's name \(why)", at: o.span,
          help: "Excel's sheet names have 1 to 31 characters, none of : \\ / ? * [ ], and don't start or end with '")
      }
      sheet = s
    }
    return sheet
  }

  /// Every column `types` names must be one the file has.
  func checkTypedColumns(_ options: [FileOption], _ fields: [Field]) throws {
    for o in options {
      guard case .types(let pairs) = o.value else { continue }
      for p in pairs where !fields.contains(where: { $0.name == p.column.text }) {
        let names = fields.map(\.name)
        let guess = closest(to: p.column.text, in: names)
        throw Diagnostic(
          "types names a column the file doesn't have: '\(p.column.text)'", at: p.column.span,
          help: (guess.map { "did you mean '\($0)'? " } ?? "") + "columns: \(names.joined(separator: ", "))",
          fix: guess.map { Diagnostic.Fix(p.column.span, Name.written($0)) })
      }
    }
  }

  /// A file source: its path and options, checked.
  package func fileSource(_ source: SourceRef) throws -> (FileSource, [FileOption])? {
    switch source {
    case .table: return nil
    case .file(let path, _, let options):
      let ext = (path as NSString).pathExtension.lowercased()
      return (
        FileSource(path: path, options: try readOptions(options, workbook: ext == "xlsx" || ext == "xlsm")), options
      )
    case .standardInput(_, let options):
      return (
        FileSource(path: "stdin", options: try readOptions(options, workbook: false), isStandardInput: true), options
      )
    }
  }
}
