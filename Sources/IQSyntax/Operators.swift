/// The one precedence table: binding power of each binary operator, lowest
/// first. All are left-associative; comparisons (and `in`) do not chain.
/// `not` binds between `and` and the comparisons; unary `-` above `*`.
enum Precedence {
  static let binary: [BinaryOp: Int] = [
    .or: 1,
    .and: 2,
    .equal: 4, .notEqual: 4, .less: 4, .lessEqual: 4, .greater: 4, .greaterEqual: 4,
    .add: 5, .subtract: 5,
    .multiply: 6, .divide: 6,
  ]
  static let not = 3
  static let comparison = 4
  static let negate = 7

  static func op(_ kind: TokenKind) -> BinaryOp? {
    switch kind {
    case .keyword(.or): return .or
    case .keyword(.and): return .and
    case .symbol(let s): return BinaryOp(rawValue: s.rawValue)
    default: return nil
    }
  }
}
