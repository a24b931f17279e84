import Foundation

/// Asked for by Ctrl-C; a running query stops at its next check. The flag
/// is a plain word so that a signal handler may set it. There is no
/// process-wide one: a session holds its own and hands it to everything
/// that runs for it (the engine, the CSV reader, the output), so two
/// sessions in one process stop apart.
public final class Cancellation: @unchecked Sendable {
  private let flag: UnsafeMutablePointer<sig_atomic_t> = {
    let p = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
    p.initialize(to: 0)
    return p
  }()
  public init() {}

  /// Safe in a signal handler: one store, no locks, no allocation.
  public func requestFromSignal() { flag.pointee = 1 }
  public func reset() { flag.pointee = 0 }
  public var isRequested: Bool { flag.pointee != 0 }

  /// What a query stopped by Ctrl-C ends with.
  package static var cancelled: Diagnostic { Diagnostic("query cancelled", at: nil) }

  package func check() throws {
    if isRequested { throw Cancellation.cancelled }
  }

  /// Checked inside a long loop: once every 65,536 turns, one load and a
  /// branch, so a Ctrl-C is honoured within milliseconds in any phase.
  @inline(__always) package func poll(_ i: Int) throws {
    if i & 0xFFFF == 0 { try check() }
  }
}
