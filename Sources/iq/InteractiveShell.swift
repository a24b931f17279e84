import Foundation
import IntegrationQuery

/// Placeholder replaced by the libedit shell.
struct InteractiveShell {
  let session: Session
  func run() -> Int32 { 0 }
}
