import IQBuiltins
import IQCore
import IQDataset
import IQEngine
import IQOutput
import IQPlan
import IQSyntax

/// `.help`: an index and a page for every verb, function and topic, each
/// with an example that is run live, so help shows iq's real output.
public enum Help {
  public struct Topic: Sendable {
    public var name: String
    public var syntax: String
    public var text: String
    public var example: String?
  }

  public static let sources = """
    The built-in dataset
      areas, delayed_days, delay_reasons, england:
        NHS England, Delayed Transfers of Care statistics, monthly by local authority,
        April 2011 to March 2019 (as compiled in the public repository psychty/spc).
      areas (names, codes, regions): mySociety, UK local authority names and codes.
      bcf, headlines: National Audit Office, Health and social care integration (HC 1011,
        Feb 2017); Public Accounts Committee; NHS England; NHS Digital; LGA.
      care_home_admissions: NHS Digital, Adult Social Care Outcomes Framework, 2A(2).
    No figure is modelled or invented; where a per-area figure was never published
    (emergency admissions, pooled budgets), the dataset has none.

    \(Dataset.attribution)

    """

  public static func text(_ topic: String, session: Session, span: Span) throws -> String {
    let key = topic.trimmingCharacters(in: .whitespaces).lowercased().trimmingCharacters(in: ["."])
    if key.isEmpty { return index }
    if let command = DotCommand(rawValue: key) {
      var out = ".\(command.rawValue): \(command.summary)\nusage: \(command.usage)\n"
      if let example = command.example {
        out +=
          "\nexample:\n  \(example.replacingOccurrences(of: "\n", with: "\n  "))\n\n"
          + (try runDotCommand(example, session: session))
      }
      return out
    }
    let bare = key.hasSuffix("()") ? String(key.dropLast(2)) : key
    // A topic by its name, or one whose syntax shows the call (`max` is under `min`).
    guard
      let t = topics.first(where: { $0.name == key })
        ?? (key.hasSuffix("()") ? functionTopics.first(where: { $0.name == bare }) : nil)
        ?? topics.first(where: { $0.name == bare || $0.name == bare + "()" })
        ?? topics.first(where: { $0.syntax.contains(" \(bare)(") || $0.syntax.hasPrefix("\(bare)(") })
    else {
      let guess = closest(to: key, in: topics.map(\.name) + DotCommand.allCases.map(\.rawValue))
      throw Diagnostic(
        "no help on '\(topic)'", at: span,
        help: (guess.map { "did you mean '\($0)'? " } ?? "") + "'.help' lists the topics")
    }
    var out = "\(t.name): \(t.syntax)\n\n\(wrap(t.text, width: 78))\n"
    if let example = t.example {
      out += "\nexample:\n  \(example.replacingOccurrences(of: "\n", with: "\n  "))\n\n"
      let outcome = try run(example, session: session)
      if let chart = outcome.chart {
        out += TextChart.render(outcome.table, spec: chart, width: 90)
      } else {
        out += try Output.render(
          outcome.table, as: .table, limits: TableLimits(maxRows: 10), cancellation: session.cancellation)
      }
    }
    return out
  }

  /// Runs a dot-command example in a session of its own on the same data,
  /// and returns what it printed.
  public static func runDotCommand(_ example: String, session: Session) throws -> String {
    var out = ""
    let sub = Session(
      catalog: session.catalog.copy(), results: Sink { out += $0 }, messages: Sink { out += $0 },
      cancellation: session.cancellation)
    sub.readOnly = true
    sub.limits = TableLimits(maxRows: 10, maxWidth: 100)
    guard sub.run(SourceFile(name: "<help>", text: example)) else {
      throw Diagnostic("the example of \(example.prefix(while: { $0 != " " })) failed:\n\(out)", at: nil)
    }
    return out
  }

  /// Runs a help example in a fresh session on the same catalog.
  public static func run(_ example: String, session: Session) throws -> QueryOutcome {
    let file = SourceFile(name: "<help>", text: example)
    let p = try Session.onePipeline(file, otherwise: Diagnostic("a help example is one pipeline", at: nil))
    return try session.evaluate(p)
  }

  static var index: String {
    var out = """
      iq: queries that read top to bottom. Start from a table, then each | step changes the rows:

        from delayed_days | where fy == "2015-16" | summarize days = sum(total) by region

      Verbs:      \(Verb.allCases.map(\.rawValue).joined(separator: " "))
      Functions:  \(Builtin.functions.map(\.name).joined(separator: " "))
      Aggregates: \(Aggregate.allCases.map(\.rawValue).joined(separator: " "))
      Windows:    \(Window.allCases.map(\.rawValue).joined(separator: " "))
      Topics:     money percent dates types null let files scripts habits errors

      Dot-commands:

      """
    for c in DotCommand.allCases {
      // A usage as wide as the column goes on a line of its own.
      let usage =
        c.usage.count < 36
        ? c.usage.padding(toLength: 36, withPad: " ", startingAt: 0)
        : c.usage + "\n" + String(repeating: " ", count: 38)
      out += "  " + usage + c.summary + "\n"
    }
    out += "\n.help TOPIC explains one (.help where, .help money). .tables lists the data.\n"
    return out
  }

  /// General topics first: `.help money` is the literal, `.help money()` the function.
  public static let topics: [Topic] = generalTopics + verbTopics + functionTopics
}
