/// Header cells as column names: an empty one named by `unnamed` (its
/// index in, the CSV reader's `column_3` or a sheet's letter out), and a
/// suffix for a name met before (`a`, `a_2`). Also the indices that had no name.
package func uniqueColumnNames(_ cells: [String], unnamed name: (Int) -> String) -> ([String], Set<Int>) {
  var names: [String] = []
  var unnamed: Set<Int> = []
  var taken: Set<String> = []
  // The next suffix to try for each name, so a thousand `a`s stay linear.
  var nextSuffix: [String: Int] = [:]
  for (i, cell) in cells.enumerated() {
    var n = cell
    if n.isEmpty {
      n = name(i)
      unnamed.insert(i)
    }
    var unique = n
    var k = nextSuffix[n] ?? 2
    while taken.contains(unique) {
      unique = "\(n)_\(k)"
      k += 1
    }
    nextSuffix[n] = k
    names.append(unique)
    taken.insert(unique)
  }
  return (names, unnamed)
}
