import IQCore
import IQEngine
import IQPlan

/// Charts drawn with Unicode in the terminal.
public enum TextChart {
  /// One mark per series: sixteen shapes, then letters, so that the nine
  /// regions (or more) each have their own.
  static let markers: [Character] =
    ["●", "○", "■", "□", "◆", "◇", "▲", "△", "▼", "▽", "★", "☆", "✚", "✖", "◐", "◑"]
    + Array("abcdefghijklmnopqrstuvwxyz")

  public static func render(_ t: Table, spec: ChartSpec, width: Int = 80) -> String {
    let data = ChartData(t, spec: spec)
    if t.rowCount == 0 { return "(no rows to chart)\n" }
    switch spec.kind {
    case .bar: return bar(data, width: max(40, width))
    case .line: return line(data, width: max(40, width), spc: nil)
    case .spc: return line(data, width: max(40, width), spc: SPCAnalysis(data.ys.map { $0 ?? 0 }))
    }
  }

  // MARK: - Bars

  /// Horizontal bars; with negative values they diverge from a zero line.
  static func bar(_ d: ChartData, width: Int) -> String {
    let labelWidth = min(30, d.labels.map(\.count).max() ?? 0)
    let valueWidth = d.yTexts.map(\.count).max() ?? 0
    // A line is the label, two spaces, room + 1 cells, two spaces and the
    // value: exactly `width` characters, so nothing wraps.
    let room = max(10, width - labelWidth - valueWidth - 5)
    let values = d.ys.map { $0 ?? 0 }
    let low = min(0, values.min() ?? 0), high = max(0, values.max() ?? 0)
    let axis = Axis(low: low, high: high == low ? low + 1 : high)
    let zero = axis.cell(0, of: room + 1)
    var out = "\(d.yName) by \(d.xName)\n"
    for (i, v) in values.enumerated() {
      let label = fit(d.labels[i], labelWidth)
      var cells = [Character](repeating: " ", count: room + 1)
      if low < 0 { cells[zero] = "│" }
      let length = Double(room) * abs(axis.fraction(v) - axis.fraction(0))
      if v >= 0 {
        let whole = Int(length)
        for k in 0..<whole where zero + (low < 0 ? 1 : 0) + k < cells.count {
          cells[zero + (low < 0 ? 1 : 0) + k] = "█"
        }
        let part = Int(((length - Double(whole)) * 8).rounded())
        let at = zero + (low < 0 ? 1 : 0) + whole
        if part > 0 && at < cells.count { cells[at] = Array("▏▎▍▌▋▊▉█")[part - 1] }
      } else {
        let whole = Int(length.rounded())
        for k in 0..<whole where zero - 1 - k >= 0 { cells[zero - 1 - k] = "█" }
      }
      let bar = String(cells).replacingTrailingSpaces()
      out += "\(label)  \(bar)\(String(repeating: " ", count: room + 1 - bar.count))  \(pad(d.yTexts[i], valueWidth))\n"
    }
    return out.split(separator: "\n", omittingEmptySubsequences: false).map { Output.trimEnd(String($0)) }.joined(
      separator: "\n")
  }

  // MARK: - Lines and SPC

  static func line(_ d: ChartData, width: Int, spc: SPCAnalysis?) -> String {
    let height = 14
    let valid = d.ys.compactMap { $0 }
    var low = valid.min() ?? 0, high = valid.max() ?? 1
    if let spc {
      low = min(low, spc.lowerLimit)
      high = max(high, spc.upperLimit)
    }
    if high == low {
      // One value: a band of ±1 around it, or of half its size where 1 is lost in rounding.
      let pad = high + 1 == high ? abs(high) / 2 : 1
      high += pad
      low -= pad
    }
    let axisLabels = [high, high / 2 + low / 2, low].map(d.axisText)
    let gutter = axisLabels.map(\.count).max()! + 1
    // Room on the right for "upper 156,794" and the like.
    let rightWidth =
      spc.map { s in
        ["upper", "mean", "lower"].map { $0.count }.max()! + 2 + [s.upperLimit, s.mean, s.lowerLimit].map {
          d.axisText($0).count
        }.max()!
      } ?? 0
    let plotWidth = max(20, width - gutter - 2 - rightWidth)
    let xLow = d.xs.min() ?? 0, xHigh = d.xs.max() ?? 1
    let across = Axis(low: xLow, high: xHigh), down = Axis(low: high, high: low)
    func column(_ x: Double) -> Int { across.cell(x, of: plotWidth) }
    func row(_ y: Double) -> Int { down.cell(y, of: height) }
    var grid = [[Character]](repeating: [Character](repeating: " ", count: plotWidth), count: height)
    var rightLabels = [Int: String]()

    if let spc {
      for (y, ch, name) in [(spc.upperLimit, "┄", "upper"), (spc.mean, "─", "mean"), (spc.lowerLimit, "┄", "lower")] {
        let r = row(y)
        for c in 0..<plotWidth where grid[r][c] == " " { grid[r][c] = Character(ch) }
        rightLabels[r] = "\(name) \(d.axisText(y))"
      }
    }
    // Lines first, then the points over them.
    for s in d.series {
      let pts = s.points.filter { d.ys[$0] != nil }
      for (a, b) in zip(pts, pts.dropFirst()) {
        let (c0, r0, c1, r1) = (column(d.xs[a]), row(d.ys[a]!), column(d.xs[b]), row(d.ys[b]!))
        let steps = max(abs(c1 - c0), abs(r1 - r0))
        guard steps > 1 else { continue }
        for k in 1..<steps {
          let c = c0 + (c1 - c0) * k / steps, r = r0 + (r1 - r0) * k / steps
          if grid[r][c] == " " || grid[r][c] == "─" || grid[r][c] == "┄" { grid[r][c] = "·" }
        }
      }
    }
    for (n, s) in d.series.enumerated() {
      for i in s.points {
        guard let y = d.ys[i] else { continue }
        var mark = markers[n % markers.count]
        if let spc, let rule = spc.signals[i].first { mark = symbol(rule) }
        grid[row(y)][column(d.xs[i])] = mark
      }
    }

    var out = spc == nil ? "\(d.yName) by \(d.xName)\n" : "\(d.yName) by \(d.xName): XmR chart (SPC)\n"
    for r in 0..<height {
      let label = r == 0 ? axisLabels[0] : (r == height / 2 ? axisLabels[1] : (r == height - 1 ? axisLabels[2] : ""))
      var text = pad(label, gutter - 1) + " ┤" + String(grid[r])
      if let right = rightLabels[r] { text += " " + right }
      out += Output.trimEnd(text) + "\n"
    }
    out += String(repeating: " ", count: gutter) + "└" + String(repeating: "─", count: plotWidth) + "\n"
    let first = d.labels[d.xs.firstIndex(of: xLow) ?? 0], last = d.labels[d.xs.firstIndex(of: xHigh) ?? 0]
    out +=
      String(repeating: " ", count: gutter + 1) + first
      + String(repeating: " ", count: max(1, plotWidth - first.count - last.count)) + last + "\n"
    if d.series.count > 1 { out += legend(d, width: width) }
    if let spc { out += spcSummary(d, spc, width: width) }
    return out
  }

  /// Each series' marker and name, wrapped to the width.
  static func legend(_ d: ChartData, width: Int) -> String {
    var out = ""
    var line = " "
    for (n, s) in d.series.enumerated() {
      let item = "\(markers[n % markers.count]) \(s.name)"
      if line.count + 3 + item.count > width && line.count > 1 {
        out += Output.trimEnd(line) + "\n"
        line = " "
      }
      line += " " + (line.count > 1 ? "  " : "") + item
    }
    return out + Output.trimEnd(line) + "\n"
  }

  static func symbol(_ rule: SPCAnalysis.Rule) -> Character {
    switch rule {
    case .beyondLimits: return "L"
    case .twoOfThree: return "2"
    case .shift: return "S"
    case .trend: return "T"
    }
  }

  /// The limits, and each rule with the runs of points it fired on.
  static func spcSummary(_ d: ChartData, _ spc: SPCAnalysis, width: Int) -> String {
    var lines: [String] = []
    var out =
      "mean \(d.axisText(spc.mean)) · process limits \(d.axisText(spc.lowerLimit)) to \(d.axisText(spc.upperLimit)) · mean moving range \(d.axisText(spc.meanMovingRange))\n"
    out +=
      "● common cause · L beyond a limit · 2 two of three near a limit · S shift (7 on one side) · T trend (7 rising or falling)\n"
    var any = false
    for rule in SPCAnalysis.Rule.allCases {
      let flagged = d.ys.indices.filter { spc.signals[$0].contains(rule) }
      guard !flagged.isEmpty else { continue }
      any = true
      var runs: [[Int]] = []
      for i in flagged {
        if let last = runs.last?.last, last == i - 1 { runs[runs.count - 1].append(i) } else { runs.append([i]) }
      }
      let text = runs.map { r in
        r.count == 1
          ? "\(d.labels[r[0]]) (\(d.yTexts[r[0]]))"
          : "\(d.labels[r.first!]) to \(d.labels[r.last!]) (\(r.count) points)"
      }
      out += "\(symbol(rule)) \(rule.rawValue): \(text.joined(separator: ", "))\n"
    }
    if !any { out += "no special cause: only common-cause variation\n" }
    // Wrap to the width, continuation lines indented under the text.
    for line in out.split(separator: "\n") {
      let wrapped = wrap(String(line), width: max(40, width - 2)).split(separator: "\n")
      lines.append(wrapped.first.map(String.init) ?? "")
      lines += wrapped.dropFirst().map { "  " + $0 }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func fit(_ s: String, _ w: Int) -> String {
    s.count > w ? String(s.prefix(w - 1)) + "…" : s + String(repeating: " ", count: w - s.count)
  }

  static func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
}

extension String {
  func replacingTrailingSpaces() -> String { Output.trimEnd(self) }
}
