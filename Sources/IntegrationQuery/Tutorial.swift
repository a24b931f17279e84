import Foundation
import IQCore
import IQEngine
import IQSyntax

/// `.tutorial`: short lessons that rebuild the NAO's findings from the
/// data. Each asks for a query and checks the answer by its result, not
/// its text; progress is kept between sessions.
public struct Lesson: Sendable {
  public var title: String
  /// What the lesson teaches, then what to do.
  public var text: String
  public var task: String
  public var hints: [String]
  /// A query whose result is the right answer.
  public var answer: String
  /// Whether the rows must come in the answer's order.
  public var ordered = false
  /// A file the lesson works on, which iq writes into the current folder
  /// when the lesson is shown (`Tutorial.sampleExport`).
  public var sampleFile: String?
}

public enum Tutorial {
  public static let lessons: [Lesson] = [
    Lesson(
      title: "Your first query",
      text:
        "A query starts 'from' a table. Each '|' step then changes the rows. 'count' counts them. The table 'areas' holds the 152 councils with adult social care duties.",
      task: "Count the rows of areas.",
      hints: ["Start with: from areas", "Then add a step: from areas | count"],
      answer: "from areas | count"),
    Lesson(
      title: "Keeping some rows",
      text:
        "'where' keeps the rows where a condition is true. Compare with == (two equals signs), and put text in quotes: region == \"North East\".",
      task: "How many areas are in London?",
      hints: ["The column is region; the value is \"London\".", "from areas | where region == \"London\" | count"],
      answer: "from areas | where region == \"London\" | count"),
    Lesson(
      title: "Looking at a year",
      text:
        "'england' has one row per month of national delayed transfer of care days, split by who was responsible: nhs, social_care and both. fy is the UK financial year, from April: \"2015-16\". 'select' keeps the columns you name.",
      task: "Show the month and total of every month in 2015-16.",
      hints: ["from england | where fy == \"2015-16\" | …", "… | select month, total"],
      answer: "from england | where fy == \"2015-16\" | select month, total"),
    Lesson(
      title: "Adding up",
      text:
        "'summarize' turns many rows into one per group: summarize days = sum(total) by fy adds up total for each financial year.",
      task: "Add up the delayed days in England for each financial year.",
      hints: ["from england | summarize … by fy", "from england | summarize days = sum(total) by fy"],
      answer: "from england | summarize days = sum(total) by fy"),
    Lesson(
      title: "The NAO's 185,000",
      text:
        "The NAO said delayed days rose by 185,000 in 2015-16, the Better Care Fund's first year. 'derive' adds a column; lag(days) is the value on the row before, so days - lag(days) is the change on the year before.",
      task: "Find the rise in delayed days from 2014-15 to 2015-16.",
      hints: [
        "Start from your answer to the last lesson, then derive rise = days - lag(days).",
        "… | derive rise = days - lag(days) | where fy == \"2015-16\"",
      ],
      answer:
        "from england | summarize days = sum(total) by fy | derive rise = days - lag(days) | where fy == \"2015-16\" | select rise"
    ),
    Lesson(
      title: "Money: the cost of a delayed day",
      text:
        "Money is exact to the penny: £146m is a money literal. The 'bcf' table has the NAO's figures: dtoc_cost_vs_plan is £146m, the cost of delayed days above plan; the plan was dtoc_planned_change (-293,000) and the outcome dtoc_actual_change (+185,000).",
      task: "Work out the cost per day behind the £146m: the cost divided by the gap between outcome and plan.",
      hints: [
        "The gap is dtoc_actual_change - dtoc_planned_change (478,000 days).",
        "from bcf | select per_day = dtoc_cost_vs_plan / (dtoc_actual_change - dtoc_planned_change)",
      ],
      answer: "from bcf | select per_day = dtoc_cost_vs_plan / (dtoc_actual_change - dtoc_planned_change)"),
    Lesson(
      title: "Money: the cost of an emergency admission",
      text:
        "The same for emergency admissions: nel_cost_vs_plan is £311m; the plan was nel_planned_change (-106,000) and the outcome nel_actual_change (+87,000).",
      task: "Work out the cost per emergency admission behind the £311m.",
      hints: ["Divide nel_cost_vs_plan by (nel_actual_change - nel_planned_change)."],
      answer: "from bcf | select per_admission = nel_cost_vs_plan / (nel_actual_change - nel_planned_change)"),
    Lesson(
      title: "Regions: joining tables",
      text:
        "'delayed_days' has one row per area and month, with the area's code. 'join areas on area' adds each area's name and region to its rows.",
      task: "Add up the delayed days in 2015-16 for each region.",
      hints: [
        "from delayed_days | where fy == \"2015-16\" | join areas on area | …",
        "… | summarize days = sum(total) by region",
      ],
      answer: "from delayed_days | where fy == \"2015-16\" | join areas on area | summarize days = sum(total) by region"
    ),
    Lesson(
      title: "Who was responsible",
      text:
        "Dividing one total by another gives a share: sum(social_care) / sum(total) inside summarize is the share of all delayed days due to social care.",
      task: "Find the share of England's delayed days in 2015-16 that were due to social care.",
      hints: ["from england | where fy == \"2015-16\" | summarize share = …", "share = sum(social_care) / sum(total)"],
      answer: "from england | where fy == \"2015-16\" | summarize share = sum(social_care) / sum(total)"),
    Lesson(
      title: "Why people waited",
      text:
        "'delay_reasons' splits the days by the published reason. 'top 3 by days' keeps the three rows with the most days.",
      task: "Find the three reasons with the most delayed days in 2015-16.",
      hints: [
        "from delay_reasons | where fy == \"2015-16\" | summarize days = sum(days) by reason | …", "… | top 3 by days",
      ],
      answer: "from delay_reasons | where fy == \"2015-16\" | summarize days = sum(days) by reason | top 3 by days",
      ordered: true),
    Lesson(
      title: "Files as they come: a messy export",
      text:
        "Files arrive as exports: a title above the table, commas in the numbers, (1,234) for a fall, a note under it. iq reads them as they are. iq has put one in this folder, dtoc_export.csv: NHS England's monthly delayed days for 2015-16. Look at it with .describe \"dtoc_export.csv\": the change column stayed text, because its first value is \"n/k\" (not known). Say that n/k means missing with: from \"dtoc_export.csv\" with nulls = \"n/k\". (try_number(change) would do it too, and count what it could not read.)",
      task: "Using the export, find the average monthly change in delayed days in 2015-16.",
      hints: [
        ".describe \"dtoc_export.csv\" shows why change is text.",
        "from \"dtoc_export.csv\" with nulls = \"n/k\" | summarize change = avg(change)",
      ],
      answer: "from \"dtoc_export.csv\" with nulls = \"n/k\" | summarize change = avg(change)",
      sampleFile: "dtoc_export.csv"),
    Lesson(
      title: "Is it special cause? An SPC chart",
      text:
        "NHS boards read change with statistical process control (SPC) charts: 'Making Data Count'. 'chart spc month, total' draws an XmR chart of the monthly totals, with the mean, the process limits, and the points that signal special cause.",
      task: "Draw an SPC chart of England's monthly delayed days (month and total).",
      hints: ["from england | chart spc …", "from england | chart spc month, total"],
      answer: "from england | chart spc month, total",
      ordered: true),
  ]

  /// Whether a result answers a lesson: the same rows, and every column of
  /// the answer among the result's columns, whatever they are called.
  static func matches(_ result: Table, _ expected: Table, ordered: Bool) -> Bool {
    guard result.rowCount == expected.rowCount else { return false }
    func texts(_ c: Column) -> [String] {
      (0..<result.rowCount).map { i -> String in
        switch c[i] {
        case .number(let x): return String(format: "%.6g", x)
        case .int(let x): return String(format: "%.6g", Double(x))
        case let v: return v.plainText
        }
      }
    }
    let have = result.columns.map { ordered ? texts($0) : texts($0).sorted() }
    return expected.columns.allSatisfy { c in
      let want = ordered ? texts(c) : texts(c).sorted()
      return have.contains(want)
    }
  }
}

/// Where the learner is, kept in a small file between sessions.
public struct TutorialProgress: Codable, Equatable {
  public var lesson = 0
  public var done: Set<Int> = []
  public var hintsShown = 0
  /// False after `.tutorial off`: the shell does not resume it.
  public var active = true
}

extension Session {
  func tutorialCommand(_ argument: String, span: Span) throws {
    let word = argument.lowercased()
    var progress = tutorialProgress ?? loadTutorialProgress()
    switch word {
    case "", "start":
      break
    case "next":
      progress.lesson = min(progress.lesson + 1, Tutorial.lessons.count - 1)
      progress.hintsShown = 0
    case "hint":
      let lesson = Tutorial.lessons[progress.lesson]
      let k = min(progress.hintsShown, lesson.hints.count - 1)
      results.write("hint: \(lesson.hints[k])\n")
      progress.hintsShown += 1
      saveTutorialProgress(progress)
      return
    case "answer":
      results.write("one answer: \(Tutorial.lessons[progress.lesson].answer)\n")
      return
    case "reset":
      progress = TutorialProgress()
    case "off", "stop":
      progress.active = false
      saveTutorialProgress(progress)
      tutorialProgress = nil
      results.write("The tutorial is paused; .tutorial brings it back where you left off.\n")
      return
    default:
      guard let n = Int(word), (1...Tutorial.lessons.count).contains(n) else {
        throw Diagnostic(
          "unknown .tutorial command '\(argument)'", at: span,
          help:
            "usage: .tutorial, .tutorial hint, .tutorial answer, .tutorial next, .tutorial 1–\(Tutorial.lessons.count), .tutorial reset, .tutorial off"
        )
      }
      progress.lesson = n - 1
      progress.hintsShown = 0
    }
    progress.active = true
    saveTutorialProgress(progress)
    results.write(lessonText(progress))
  }

  /// The shell picks up a tutorial left on in an earlier session.
  public func resumeTutorial() -> String? {
    guard let path = tutorialPath, FileManager.default.fileExists(atPath: path) else { return nil }
    let p = loadTutorialProgress()
    guard p.active, p.done.count < Tutorial.lessons.count else { return nil }
    tutorialProgress = p
    return
      "The tutorial is on: lesson \(p.lesson + 1), \(Tutorial.lessons[p.lesson].title). .tutorial shows it; .tutorial off stops it."
  }

  func lessonText(_ p: TutorialProgress) -> String {
    let l = Tutorial.lessons[p.lesson]
    writeSampleFile(of: l)
    return """
      Lesson \(p.lesson + 1) of \(Tutorial.lessons.count): \(l.title)\(p.done.contains(p.lesson) ? " (done)" : "")
      \(wrap(l.text, width: 78))

      Your turn: \(l.task)
      (.tutorial hint for a hint, .tutorial answer to see one, .tutorial next to skip, .tutorial off to stop)

      """
  }

  /// After each result while the tutorial is on: is it this lesson's answer?
  func checkTutorial(_ outcome: QueryOutcome) {
    guard var progress = tutorialProgress else { return }
    let lesson = Tutorial.lessons[progress.lesson]
    guard let (expected, expectedChart) = lessonAnswer(progress.lesson),
      outcome.chart?.kind == expectedChart, Tutorial.matches(outcome.table, expected, ordered: lesson.ordered)
    else { return }
    progress.done.insert(progress.lesson)
    var message = "✓ That's it: lesson \(progress.lesson + 1) done.\n"
    if progress.lesson + 1 < Tutorial.lessons.count {
      progress.lesson += 1
      progress.hintsShown = 0
      message += "\n" + lessonText(progress)
    } else {
      message +=
        "You have finished the tutorial: you rebuilt the NAO's findings and drew an SPC chart. .help lists everything else.\n"
    }
    saveTutorialProgress(progress)
    results.write(message)
  }

  /// The result of a lesson's answer, worked out once per lesson.
  func lessonAnswer(_ n: Int) -> (Table, ChartKind?)? {
    if let a = tutorialAnswer, a.lesson == n { return (a.table, a.chart) }
    writeSampleFile(of: Tutorial.lessons[n])
    let file = SourceFile(name: "<tutorial>", text: Tutorial.lessons[n].answer)
    let notOne = Diagnostic("a lesson's answer is one pipeline", at: nil)
    guard let p = try? Session.onePipeline(file, otherwise: notOne), let outcome = try? evaluate(p) else {
      return nil
    }
    tutorialAnswer = (n, outcome.table, outcome.chart?.kind)
    return (outcome.table, outcome.chart?.kind)
  }

  func loadTutorialProgress() -> TutorialProgress {
    guard let path = tutorialPath, let data = FileManager.default.contents(atPath: path),
      let p = try? JSONDecoder().decode(TutorialProgress.self, from: data), p.lesson < Tutorial.lessons.count
    else { return TutorialProgress() }
    return p
  }

  func saveTutorialProgress(_ p: TutorialProgress) {
    tutorialProgress = p
    guard let path = tutorialPath, !readOnly, let data = try? JSONEncoder().encode(p) else { return }
    try? writeAtomically(String(decoding: data, as: UTF8.self), to: path, span: .none)
  }
}

extension Session {
  /// Writes a lesson's file into the current folder, unless it is there
  /// already as iq writes it (or the session writes no files: the fuzzers).
  func writeSampleFile(of lesson: Lesson) {
    guard let name = lesson.sampleFile, !readOnly, let text = try? sampleExport() else { return }
    let path = filePath(name, in: directory)
    if FileManager.default.contents(atPath: path) == Data(text.utf8) { return }
    try? text.write(toFile: path, atomically: true, encoding: .utf8)
  }

  /// England's delayed days in 2015-16, month by month, written as NHS
  /// England's spreadsheets export them: titles, `Apr-15`, thousands
  /// separators, a fall in parentheses, `n/k`, CRLF and a source note.
  func sampleExport() throws -> String {
    let file = SourceFile(
      name: "<tutorial>", text: "from england | where fy == \"2015-16\" | select month, nhs, social_care, both, total")
    let t = try evaluate(try Session.onePipeline(file, otherwise: Diagnostic("", at: nil))).table
    func number(_ v: Value) -> String {
      guard case .int(let n) = v else { return "" }
      let text = n < 0 ? "(\(groupThousands(String(n.magnitude))))" : groupThousands(String(n))
      // Excel quotes a field only when it holds the delimiter.
      return text.contains(",") ? "\"\(text)\"" : text
    }
    var lines = [
      "Delayed Transfers of Care: total delayed days, England",
      "Published by NHS England; 2015-16",
      "",
      "month,nhs,social_care,both,total,change",
    ]
    var previous: Int64?
    for r in 0..<t.rowCount {
      guard case .date(let d) = t.columns[0][r], case .int(let total) = t.columns[4][r] else { continue }
      let change = previous.map { number(.int(total - $0)) } ?? "n/k"
      previous = total
      lines.append(
        ([ExcelFormat.format(date: d, "mmm-yy") ?? ""] + (1...4).map { number(t.columns[$0][r]) } + [change])
          .joined(separator: ","))
    }
    lines += ["", "\"Source: NHS England, Delayed Transfers of Care statistics\",,,,,"]
    return lines.joined(separator: "\r\n") + "\r\n"
  }
}
