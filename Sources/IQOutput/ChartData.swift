import IQCore
import IQPlan
import IQSyntax

/// The points a chart draws, read once from the chart step's columns.
struct ChartData {
  struct Series {
    var name: String
    /// Indices into the points, in row order.
    var points: [Int]
  }

  var kind: ChartKind
  var xName: String
  var yName: String
  /// How each x value is written on an axis or beside a bar.
  var labels: [String]
  /// Where each point stands along the x axis: days, numbers, or for text
  /// the place of its category, so that every series shares the categories.
  var xs: [Double]
  /// For text x values, each different label in order of first appearance
  /// (the category at xs == k is categories[k]); nil for dates and numbers.
  var categories: [String]?
  var ys: [Double?]
  /// y as it is written: £ and thousands separators.
  var yTexts: [String]
  var isMoney: Bool
  var series: [Series]

  init(_ t: Table, spec: ChartSpec) {
    kind = spec.kind
    xName = t.fields[0].name
    yName = t.fields[1].name
    let n = t.rowCount
    let x = t.columns[0], y = t.columns[1]
    labels = (0..<n).map { x.isNull($0) ? "null" : x[$0].plainText }
    switch x.type {
    case .date, .int, .number:
      xs = (0..<n).map { i in
        switch x[i] {
        case .date(let d): return Double(d)
        case .int(let v): return Double(v)
        case .number(let v): return v
        default: return 0
        }
      }
      categories = nil
    default:
      var place: [String: Int] = [:]
      var names: [String] = []
      xs = labels.map { label in
        if let k = place[label] { return Double(k) }
        place[label] = names.count
        names.append(label)
        return Double(names.count - 1)
      }
      categories = names
    }
    isMoney = y.type == .money
    ys = y.plottedNumbers
    yTexts = Output.displayColumn(y, rows: 0..<n)
    if t.columns.count > 2 {
      let s = t.columns[2]
      var order: [String] = []
      var members: [String: [Int]] = [:]
      for i in 0..<n {
        let name = s.isNull(i) ? "null" : s[i].plainText
        if members[name] == nil { order.append(name) }
        members[name, default: []].append(i)
      }
      series = order.map { Series(name: $0, points: members[$0]!) }
    } else {
      series = [Series(name: yName, points: Array(0..<n))]
    }
  }

  /// The x positions to label, each once, and its label: every category
  /// (or every `step`-th, when there are more than `most`), or for numbers
  /// and dates the first, the last and a few between.
  func xTicks(most: Int) -> [(x: Double, label: String)] {
    if let categories {
      let step = max(1, (categories.count + most - 1) / most)
      var picked = Array(stride(from: 0, to: categories.count, by: step))
      if picked.last != categories.count - 1 { picked.append(categories.count - 1) }
      return picked.map { (Double($0), categories[$0]) }
    }
    var firstAt: [Double: Int] = [:]
    for (i, x) in xs.enumerated() where firstAt[x] == nil { firstAt[x] = i }
    let distinct = firstAt.keys.sorted()
    let step = max(1, distinct.count / max(1, most - 1))
    var picked = Array(stride(from: 0, to: distinct.count, by: step))
    if let last = distinct.indices.last, picked.last != last { picked.append(last) }
    return picked.map { (distinct[$0], labels[firstAt[distinct[$0]]!]) }
  }

  /// A number as an axis label: thousands separators, £ for money, short decimals.
  func axisText(_ v: Double) -> String {
    let rounded = abs(v) >= 100 ? v.rounded() : (v * 100).rounded() / 100
    let text = Output.displayNumber(rounded)
    return isMoney ? (v < 0 ? "-£" + text.dropFirst() : "£" + text) : text
  }
}

/// One axis of a chart: where a value stands from `low` to `high` (which may
/// be the smaller, for an axis that runs downwards). Any finite doubles can
/// be charted, even ±1e308, whose difference overflows: the fraction is
/// worked out on halves, and what still is not a number (an infinite limit,
/// an axis of one value) lands mid-axis instead of off the grid.
struct Axis {
  var low: Double
  var high: Double

  /// 0 at `low`, 1 at `high`, clamped to that range.
  func fraction(_ v: Double) -> Double {
    let span = high / 2 - low / 2
    guard span != 0, span.isFinite else { return 0.5 }
    let f = (v / 2 - low / 2) / span
    return f.isFinite ? min(1, max(0, f)) : 0.5
  }

  /// The cell of `cells` (0 at `low`) a value falls in.
  func cell(_ v: Double, of cells: Int) -> Int {
    Int((fraction(v) * Double(max(0, cells - 1))).rounded())
  }
}
