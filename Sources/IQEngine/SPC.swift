/// An XmR (individuals) chart as NHS England's "Making Data Count" draws
/// it, with the defaults of the NHS-R community's NHSRplotthedots:
/// process limits at the mean ± 2.66 × the mean moving range (moving
/// ranges of 3.267 × that mean or more screened out first), and four
/// special-cause rules, each run and trend seven points long.
public struct SPCAnalysis: Equatable, Sendable {
  public enum Rule: String, CaseIterable, Sendable {
    /// A point above the upper or below the lower process limit.
    case beyondLimits = "beyond a process limit"
    /// Two of three points in a row close to a limit (beyond two-thirds of
    /// the way from the mean), all three on one side of the mean.
    case twoOfThree = "two of three near a limit"
    /// Seven points in a row on one side of the mean.
    case shift = "shift: 7 points on one side of the mean"
    /// Seven points in a row each higher, or each lower, than the one before.
    case trend = "trend: 7 points rising or falling"
  }

  /// The run and trend lengths (NHSRplotthedots' defaults).
  public static let runLength = 7
  public static let trendLength = 7
  static let limitFactor = 2.66
  static let screenFactor = 3.267

  public var mean: Double
  /// The mean moving range after screening.
  public var meanMovingRange: Double
  public var upperLimit: Double
  public var lowerLimit: Double
  public var upperNear: Double
  public var lowerNear: Double
  /// For each point, the rules it is part of (empty: common cause).
  public var signals: [[Rule]]

  public init(_ y: [Double]) {
    let n = y.count
    mean = n == 0 ? 0 : y.reduce(0, +) / Double(n)
    let ranges = n < 2 ? [] : (1..<n).map { abs(y[$0] - y[$0 - 1]) }
    let firstMean = ranges.isEmpty ? 0 : ranges.reduce(0, +) / Double(ranges.count)
    let kept = ranges.filter { $0 < SPCAnalysis.screenFactor * firstMean }
    meanMovingRange = kept.isEmpty ? firstMean : kept.reduce(0, +) / Double(kept.count)
    let spread = SPCAnalysis.limitFactor * meanMovingRange
    upperLimit = mean + spread
    lowerLimit = mean - spread
    upperNear = mean + spread * 2 / 3
    lowerNear = mean - spread * 2 / 3

    var signals = [[Rule]](repeating: [], count: n)
    let (m, upper, lower, upperNear, lowerNear) = (mean, upperLimit, lowerLimit, upperNear, lowerNear)
    let side = y.map { $0 > m ? 1 : ($0 < m ? -1 : 0) }
    let outside = y.map { $0 > upper || $0 < lower }
    let near = y.indices.map { !outside[$0] && (y[$0] > upperNear || y[$0] < lowerNear) }
    for i in 0..<n where outside[i] { signals[i].append(.beyondLimits) }

    /// Marks `rule` on the points of every window of `length` that `fires`
    /// says is a signal; `fires` may pick which points of the window count.
    func mark(_ rule: Rule, length: Int, _ fires: (ClosedRange<Int>) -> [Int]) {
      guard n >= length else { return }
      var flagged = [Bool](repeating: false, count: n)
      for end in (length - 1)..<n {
        for i in fires((end - length + 1)...end) { flagged[i] = true }
      }
      for i in 0..<n where flagged[i] { signals[i].append(rule) }
    }
    // Two of three: a window of three on one side with two or more near a limit.
    mark(.twoOfThree, length: 3) { w in
      let near = w.filter { near[$0] }
      return abs(w.map { side[$0] }.reduce(0, +)) == 3 && near.count >= 2 ? near : []
    }
    // A shift: every point of a run of seven on one side.
    mark(.shift, length: SPCAnalysis.runLength) { w in
      side[w.upperBound] != 0 && w.allSatisfy({ side[$0] == side[w.upperBound] }) ? Array(w) : []
    }
    // A trend: seven points, each strictly above (or below) the one before.
    mark(.trend, length: SPCAnalysis.trendLength) { w in
      let steps = w.dropFirst().map { y[$0] - y[$0 - 1] }
      return steps.allSatisfy({ $0 > 0 }) || steps.allSatisfy({ $0 < 0 }) ? Array(w) : []
    }
    self.signals = signals
  }
}
