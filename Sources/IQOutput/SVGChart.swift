import Foundation
import IQCore
import IQEngine
import IQPlan

/// Charts as SVG files, sized and coloured for a board report.
public enum SVGChart {
  static let width = 900.0, height = 480.0
  static let left = 90.0, right = 150.0, top = 50.0, bottom = 76.0
  static let barRow = 28.0
  static let palette = ["#005EB8", "#ED8B00", "#009639", "#7C2855", "#00A9CE", "#DA291C", "#425563", "#AE2573"]
  /// Solid for the first eight series, then dashed, dotted, dash-dot.
  static let dashes = ["", "8,4", "2,3", "10,3,2,3"]
  /// Making Data Count's colours: grey for common cause, orange for special cause.
  static let commonCause = "#7B7D7D", specialCause = "#ED8B00"

  public static func render(_ t: Table, spec: ChartSpec) -> String {
    let d = ChartData(t, spec: spec)
    var body = ""
    switch spec.kind {
    case _ where t.rowCount == 0:
      body = "<text x=\"\(left)\" y=\"\(top + 30)\" fill=\"#425563\">No rows to chart.</text>\n"
    case .bar: body = bar(d)
    case .line: body = line(d, spc: nil)
    case .spc: body = line(d, spc: SPCAnalysis(d.ys.map { $0 ?? 0 }))
    }
    let title = spec.kind == .spc ? "\(d.yName) by \(d.xName): XmR chart" : "\(d.yName) by \(d.xName)"
    // Bars take the height their rows need; line charts a fixed frame.
    let h = spec.kind == .bar ? top + barRow * Double(d.ys.count) + 20 : height
    return """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(h))" viewBox="0 0 \(Int(width)) \(Int(h))" font-family="Arial, Helvetica, sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(left)" y="28" font-size="18" font-weight="bold" fill="#231f20">\(escape(title))</text>
      \(body)</svg>

      """
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
      of: ">", with: "&gt;"
    )
    .replacingOccurrences(of: "\"", with: "&quot;")
  }

  static func f(_ x: Double) -> String { String(format: "%.1f", x) }

  static func bar(_ d: ChartData) -> String {
    let values = d.ys.map { $0 ?? 0 }
    let low = min(0, values.min() ?? 0), high = max(0, values.max() ?? 0)
    let axis = Axis(low: low, high: high == low ? low + 1 : high)
    let plotLeft = 220.0, plotWidth = width - plotLeft - 120
    let rowHeight = barRow
    func x(_ v: Double) -> Double { plotLeft + axis.fraction(v) * plotWidth }
    var out =
      "<line x1=\"\(f(x(0)))\" y1=\"\(f(top))\" x2=\"\(f(x(0)))\" y2=\"\(f(top + rowHeight * Double(values.count)))\" stroke=\"#425563\"/>\n"
    for (i, v) in values.enumerated() {
      let y = top + Double(i) * rowHeight
      let (a, b) = (min(x(0), x(v)), max(x(0), x(v)))
      out +=
        "<rect x=\"\(f(a))\" y=\"\(f(y + 3))\" width=\"\(f(max(0.5, b - a)))\" height=\"\(f(rowHeight - 6))\" fill=\"\(v < 0 ? palette[1] : palette[0])\"/>\n"
      out +=
        "<text x=\"\(f(plotLeft - 8))\" y=\"\(f(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(escape(d.labels[i]))</text>\n"
      out += "<text x=\"\(f(b + 6))\" y=\"\(f(y + rowHeight / 2 + 4))\">\(escape(d.yTexts[i]))</text>\n"
    }
    return out
  }

  /// Rounds an axis out to steps of 1, 2 or 5 × a power of ten and gives
  /// its gridlines; an axis too wide for that (near the largest doubles)
  /// keeps its ends and has a line at each.
  static func niceGridlines(_ low: inout Double, _ high: inout Double) -> [Double] {
    let raw = max(high / 4 - low / 4, 1e-9)
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    let niceLow = (low / step).rounded(.down) * step
    var niceHigh = (high / step).rounded(.up) * step
    if niceHigh == niceLow { niceHigh += step }
    let count = ((niceHigh - niceLow) / step).rounded()
    guard count.isFinite, count >= 1, count <= 20, niceLow + step != niceLow else { return [low, high] }
    (low, high) = (niceLow, niceHigh)
    return (0...Int(count)).map { niceLow + step * Double($0) }
  }

  static func line(_ d: ChartData, spc: SPCAnalysis?) -> String {
    let valid = d.ys.compactMap { $0 }
    var low = valid.min() ?? 0, high = valid.max() ?? 1
    if let spc {
      low = min(low, spc.lowerLimit)
      high = max(high, spc.upperLimit)
    }
    let gridlines = niceGridlines(&low, &high)
    let xLow = d.xs.min() ?? 0, xHigh = d.xs.max() ?? 1
    let plotWidth = width - left - right, plotHeight = height - top - bottom
    let across = Axis(low: xLow, high: xHigh), down = Axis(low: high, high: low)
    func px(_ v: Double) -> Double { left + across.fraction(v) * plotWidth }
    func py(_ v: Double) -> Double { top + down.fraction(v) * plotHeight }
    var out = ""
    // Axes and about five gridlines with labels.
    for v in gridlines {
      out +=
        "<line x1=\"\(f(left))\" y1=\"\(f(py(v)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(v)))\" stroke=\"#e8edee\"/>\n"
      out +=
        "<text x=\"\(f(left - 8))\" y=\"\(f(py(v) + 4))\" text-anchor=\"end\" fill=\"#425563\">\(escape(d.axisText(v)))</text>\n"
    }
    out +=
      "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" stroke=\"#425563\"/>\n"
    // x labels, each once: every category, or the first, the last and a few between.
    for tick in d.xTicks(most: 8) {
      out +=
        "<text x=\"\(f(px(tick.x)))\" y=\"\(f(top + plotHeight + 20))\" text-anchor=\"middle\" fill=\"#425563\">\(escape(tick.label))</text>\n"
    }
    if let spc {
      for (v, name, dash) in [
        (spc.upperLimit, "upper limit", "6,4"), (spc.mean, "mean", ""), (spc.lowerLimit, "lower limit", "6,4"),
      ] {
        out +=
          "<line x1=\"\(f(left))\" y1=\"\(f(py(v)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(v)))\" stroke=\"#231f20\" stroke-width=\"1.5\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
        out +=
          "<text x=\"\(f(left + plotWidth + 8))\" y=\"\(f(py(v) + 4))\" fill=\"#231f20\">\(name) \(escape(d.axisText(v)))</text>\n"
      }
    }
    for (n, s) in d.series.enumerated() {
      let colour = spc == nil ? palette[n % palette.count] : commonCause
      // Past the eight colours, each round of them has its own dashes, so
      // that no two series look alike.
      let dash = dashes[(n / palette.count) % dashes.count]
      let dashed = dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""
      let pts = s.points.filter { d.ys[$0] != nil }.map { "\(f(px(d.xs[$0]))),\(f(py(d.ys[$0]!)))" }
      out +=
        "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dashed) points=\"\(pts.joined(separator: " "))\"/>\n"
      for i in s.points {
        guard let y = d.ys[i] else { continue }
        let rule = spc?.signals[i].first
        // A point beyond a limit is ringed; the rule is named in its tooltip and the legend.
        let ring = rule == .beyondLimits ? " stroke=\"#231f20\" stroke-width=\"1.2\"" : ""
        out +=
          "<circle cx=\"\(f(px(d.xs[i])))\" cy=\"\(f(py(y)))\" r=\"\(rule == nil ? "3.5" : "4.5")\" fill=\"\(rule == nil ? colour : specialCause)\"\(ring)><title>\(escape(d.labels[i])): \(escape(d.yTexts[i]))\(rule.map { " — " + $0.rawValue } ?? "")</title></circle>\n"
      }
      if d.series.count > 1 {
        let y = top + 14 + Double(n) * 18
        out +=
          "<line x1=\"\(f(left + plotWidth + 8))\" y1=\"\(f(y - 3))\" x2=\"\(f(left + plotWidth + 30))\" y2=\"\(f(y - 3))\" stroke=\"\(colour)\" stroke-width=\"3\"\(dashed)/><text x=\"\(f(left + plotWidth + 36))\" y=\"\(f(y + 1))\">\(escape(s.name))</text>\n"
      }
    }
    if let spc {
      // A legend: the colours, then each rule that fired with how many points.
      let fired = SPCAnalysis.Rule.allCases.map { r in (r, spc.signals.filter { $0.contains(r) }.count) }.filter {
        $0.1 > 0
      }
      let lines =
        ["grey: common cause · orange: special cause · ringed: beyond a process limit"]
        + (fired.isEmpty
          ? ["no special cause: common-cause variation only"]
          : stride(from: 0, to: fired.count, by: 2).map { k in
            fired[k..<min(k + 2, fired.count)].map { "\($0.0.rawValue) (\($0.1) points)" }.joined(separator: " · ")
          })
      for (k, text) in lines.enumerated() {
        out +=
          "<text x=\"\(f(left))\" y=\"\(f(top + plotHeight + 40 + Double(k) * 16))\" font-size=\"11\" fill=\"#425563\">\(escape(text))</text>\n"
      }
    }
    return out
  }
}
