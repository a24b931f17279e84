import Foundation
import IQCore
import IQDataset
import IQEngine
import IQOutput
import IQPlan
import IQSQL
import IQSyntax
import IntegrationQuery
import XCTest

/// Nothing lost: what `iq` does when a write fails (a full filesystem, a
/// read-only folder, a full device) or names something that is not a
/// regular file; and what it never does (run programs, open sockets, write
/// where it was not told to). Mounting a small tmpfs needs root, as in CI;
/// elsewhere those tests are skipped.
final class FailureTests: XCTestCase {
  /// A fresh empty folder.
  func folder() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("iq-failure-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
  }

  @discardableResult
  func sh(_ command: String) -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try? p.run()
    p.waitUntilExit()
    return p.terminationStatus
  }

  /// A tmpfs of `size` mounted on a fresh folder, unmounted after the test.
  func smallFilesystem(_ size: String, readOnly: Bool = false) throws -> String {
    let dir = try folder()
    guard sh("mount -t tmpfs -o size=\(size) tmpfs '\(dir)'") == 0 else {
      throw XCTSkip("mounting a tmpfs needs root")
    }
    addTeardownBlock { self.sh("umount '\(dir)'") }
    try "area,days\nE06000001,5\n".write(toFile: "\(dir)/old.csv", atomically: false, encoding: .utf8)
    if readOnly { XCTAssertEqual(sh("mount -o remount,ro '\(dir)'"), 0) }
    return dir
  }

  func testSaveToAFullFilesystemKeepsTheOldFile() throws {
    let dir = try smallFilesystem("16k")
    let r = try CommandLineTests.run(["-c", "from delayed_days | save \"\(dir)/old.csv\""])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.err.contains("can't save to '\(dir)/old.csv'"), r.err)
    XCTAssertEqual(try String(contentsOfFile: "\(dir)/old.csv", encoding: .utf8), "area,days\nE06000001,5\n")
    // The temporary file beside it is gone too.
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["old.csv"])
  }

  func testSaveToAReadOnlyFolderKeepsTheOldFile() throws {
    let dir = try smallFilesystem("64k", readOnly: true)
    let r = try CommandLineTests.run(["-c", "from areas | save \"\(dir)/old.csv\""])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.err.contains("can't save to '\(dir)/old.csv'"), r.err)
    XCTAssertTrue(r.err.contains("Read-only file system"), r.err)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["old.csv"])
    XCTAssertEqual(try String(contentsOfFile: "\(dir)/old.csv", encoding: .utf8), "area,days\nE06000001,5\n")
  }

  func testOutputToAFullFilesystemIsAnErrorAndResultsComeBack() throws {
    let dir = try smallFilesystem("8k")
    let script = ".output \(dir)/out.txt\nfrom delayed_days\nfrom areas | count\n"
    let r = try CommandLineTests.run([], input: script)
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.err.contains("error: can't write to '\(dir)/out.txt': No space left on device"), r.err)
    XCTAssertTrue(r.err.contains("results are shown here again"), r.err)
    // The next statement ran, and its result came to standard output.
    XCTAssertEqual(r.out, "n\n152\n")
  }

  func testStandardOutputThatCannotBeWritten() throws {
    let p = Process()
    p.executableURL = CommandLineTests.binary
    p.arguments = ["-c", "from areas"]
    p.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
    let err = Pipe()
    p.standardError = err
    try p.run()
    let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(p.terminationReason, .exit)
    XCTAssertEqual(p.terminationStatus, 1)
    XCTAssertEqual(e, "iq: can't write the results: No space left on device\n")
  }

  func testDevicesAndFIFOsAreNeverReadOrReplaced() throws {
    let dir = try folder()
    let fifo = "\(dir)/pipe.csv", svg = "\(dir)/pipe.svg", device = "\(dir)/device.csv"
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    XCTAssertEqual(mkfifo(svg, 0o600), 0)
    XCTAssertEqual(symlink("/dev/full", device), 0)
    let notRegular = "exists and is not a regular file; iq writes only regular files"
    for (query, message) in [
      ("from areas | save \"\(device)\"", "'\(device)' \(notRegular)"),
      ("from areas | save \"\(fifo)\"", "'\(fifo)' \(notRegular)"),
      ("from england | chart line month, total to \"\(svg)\"", "'\(svg)' \(notRegular)"),
      ("from \"\(fifo)\"", "\(fifo) is not a regular file; iq reads only regular files"),
      ("from \"/dev/zero\"", "/dev/zero is not a regular file; iq reads only regular files"),
    ] {
      let r = try CommandLineTests.run(["-c", query])
      XCTAssertEqual(r.status, 1, query)
      XCTAssertTrue(r.err.contains(message), "\(query): \(r.err)")
    }
    for target in ["/dev/full", fifo] {
      let r = try CommandLineTests.run([], input: ".output \(target)\nfrom areas | count\n")
      XCTAssertTrue(r.err.contains("'\(target)' \(notRegular)"), r.err)
      XCTAssertEqual(r.out, "n\n152\n")
    }
    // Still a FIFO: nothing replaced it.
    var info = stat()
    XCTAssertEqual(lstat(fifo, &info), 0)
    XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
  }

  func testOutputToAFolderThatDoesNotExist() throws {
    let r = try CommandLineTests.run([], input: ".output /no/such/folder/out.txt\nfrom areas | count\n")
    XCTAssertTrue(r.err.contains("can't write to '/no/such/folder/out.txt': No such file or directory"), r.err)
    XCTAssertEqual(r.out, "n\n152\n")
  }

  /// Under strace: every example and the goldens' kinds of statement run
  /// no program, open no socket, and write only the file `save` names (and
  /// its temporary sibling).
  func testNoProgramsNoNetworkNoWritesBeyondSave() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
      throw XCTSkip("strace is not installed (Scripts/setup --tests installs it)")
    }
    let dir = try folder()
    let log = "\(dir)/trace"
    let examples = GoldenTests.scripts(under: GoldenTests.packageRoot.appendingPathComponent("Examples"))
    let script =
      examples.map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }.joined(separator: "\n")
      + "\nfrom delayed_days | summarize days = sum(total) by area | save \"\(dir)/saved.csv\"\n"
      + "from \"\(dir)/saved.csv\" | count\n.help where\n.explain from areas | count\n.sql from areas | count\n"
    try script.write(toFile: "\(dir)/all.iq", atomically: false, encoding: .utf8)
    let r = try CommandLineTests.run(
      [
        "-f", "-qq", "-o", log, "-e",
        "trace=execve,execveat,socket,connect,openat,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,truncate",
        CommandLineTests.binary.path, "\(dir)/all.iq",
      ], binary: "/usr/bin/strace")
    XCTAssertEqual(r.status, 0, r.err)
    let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
    XCTAssertEqual(calls.filter { $0.contains("execve(") }.count, 1, "only iq itself is executed")
    // No network: glibc may ask the local name-service cache over a Unix socket.
    XCTAssertEqual(calls.filter { $0.contains("AF_INET") }, [])
    // Opens for writing, and renames or removals: only the saved file and its temporary.
    let writes = calls.filter { call in
      (call.contains("openat(") && ["O_WRONLY", "O_RDWR", "O_CREAT"].contains { call.contains($0) })
        || ["rename(", "renameat", "unlink", "mkdir(", "creat(", "truncate("].contains { call.contains($0) }
    }
    XCTAssertFalse(writes.isEmpty)
    for call in writes {
      XCTAssertTrue(call.contains("\"\(dir)/saved.csv\"") || call.contains("\"\(dir)/.saved.csv.iq-"), call)
    }
  }
}
