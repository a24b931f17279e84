import CLibEdit
import Foundation
import IQCore
import IQOutput
import IQRemote
import IntegrationQuery

#if canImport(Glibc)
  import Glibc
#endif

/// The interactive shell: the only place that talks to libedit. What to
/// complete and when a statement is complete are decided by the library
/// (Completion, Continuation); this file reads keys, keeps history and
/// handles Ctrl-C.
final class InteractiveShell {
  let session: Session
  var editLine: OpaquePointer?
  var history: OpaquePointer?
  var event = HistEvent()
  /// Lines of the statement entered so far, before the current line.
  var pending = ""
  /// The last pipeline that ran: a line starting with `|` continues it.
  var lastPipeline: String?
  /// Inside a bracketed paste (between ESC [200~ and ESC [201~).
  static var pasting = false
  /// Bytes read ahead to look for a paste's start and end, not yet given to libedit.
  static var readAhead: [UInt8] = []
  var historyFile: UnsafeMutablePointer<FILE>?
  static let maxHistory: Int32 = 10_000
  /// The shell the C callbacks reach.
  static var current: InteractiveShell?
  static let prompt = strdup("iq> ")
  static let continuationPrompt = strdup("...> ")

  init(session: Session) {
    self.session = session
  }

  deinit {
    if let editLine { el_end(editLine) }
    if let history { history_end(history) }
    if let historyFile { fclose(historyFile) }
  }

  func run() -> Int32 {
    InteractiveShell.current = self
    setUpSignals()
    setUpEditor()
    setUpHistory()
    setUpOutput()
    // Bracketed paste: the terminal marks pasted text, so a paste runs as written.
    let bracketedPaste = ProcessInfo.processInfo.environment["TERM"].map { $0 != "dumb" } ?? false
    if bracketedPaste { fputs("\u{1B}[?2004h", stdout) }
    defer { if bracketedPaste { fputs("\u{1B}[?2004l", stdout) } }
    print(
      "iq \(IntegrationQuery.version) — the evidence on health and social care integration. .help for help, .tutorial to learn, .quit to leave."
    )
    if let note = session.resumeTutorial() { print(note) }
    var count: Int32 = 0
    while !session.quitRequested {
      session.cancellation.reset()
      errno = 0
      InteractiveShell.leaveLineMode()
      guard let raw = el_gets(editLine, &count) else {
        if session.cancellation.isRequested || (count == -1 && errno == EINTR) {
          // Ctrl-C while typing: drop the statement, keep the shell.
          pending = ""
          print("")
          continue
        }
        if !pending.isEmpty {
          pending = ""
          print("")
          continue
        }
        print("")
        break
      }
      pending += String(cString: raw)
      if pending.allSatisfy(\.isWhitespace) {
        pending = ""
        continue
      }
      // Pasted text is read whole before any of it runs, so that a line
      // starting with '|' continues the statement before it, as in a script.
      if InteractiveShell.pasting || InteractiveShell.inputWaiting() { continue }
      if Continuation.needsMore(pending) { continue }
      var statement = pending
      pending = ""
      // Typed after a query ran, `| where …` adds a step to that query.
      if Continuation.startsWithStep(statement), let last = lastPipeline {
        statement = last + "\n" + statement
      }
      Continuation.statements(statement).forEach(remember)
      setUpOutput()
      let errorsBefore = session.errorCount
      session.run(SourceFile(name: "<shell>", text: statement), continueOnError: true)
      if session.errorCount == errorsBefore && Continuation.isPipeline(statement) { lastPipeline = statement }
      fflush(stdout)
    }
    return 0
  }

  /// Takes the terminal out of line mode before libedit shows its prompt.
  /// A Ctrl-D sent the moment the prompt showed was sometimes never seen by
  /// libedit (3 of 17 shell-test runs hung so on a loaded machine, each in a
  /// Ctrl-D after a prompt): a key that arrives while the terminal is still
  /// in line mode is taken by the terminal, and there Ctrl-D is an end of
  /// input rather than a key. With line mode off first, every key reaches
  /// libedit as itself (no hang in 20 runs since, under the same load).
  /// libedit restores the terminal's own settings when the line is done.
  static func leaveLineMode() {
    var t = termios()
    guard tcgetattr(STDIN_FILENO, &t) == 0 else { return }
    t.c_lflag &= ~tcflag_t(ICANON | ECHO)
    tcsetattr(STDIN_FILENO, TCSANOW, &t)
  }

  /// True when libedit's line holds nothing yet.
  static func currentLineIsEmpty() -> Bool {
    guard let el = current?.editLine, let info = el_line(el)?.pointee else { return true }
    return info.buffer == info.lastchar
  }

  /// True when more input is already waiting (the rest of a paste, or of
  /// text typed ahead while a query ran).
  static func inputWaiting() -> Bool {
    if !readAhead.isEmpty { return true }
    var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
    return poll(&fds, 1, 0) == 1 && fds.revents & Int16(POLLIN) != 0
  }

  // MARK: - Editor

  func setUpEditor() {
    editLine = el_init(CommandLine.arguments[0], stdin, stdout, stderr)
    iq_el_set_editor(editLine, "emacs")
    iq_el_set_prompt(editLine) { _ in
      InteractiveShell.current?.pending.isEmpty ?? true ? InteractiveShell.prompt : InteractiveShell.continuationPrompt
    }
    iq_el_add_function(editLine, "iq-complete", "Complete the word at the cursor") { el, _ in
      InteractiveShell.current?.complete(el) ?? UInt8(CC_ERROR)
    }
    iq_el_set_read(editLine) { _, character in InteractiveShell.readCharacter(character) }
    iq_el_bind(editLine, "^R", "em-inc-search-prev")
    // The user's ~/.editrc, so `bind -v` there gives vi keys; Tab is bound
    // after it, in whichever key map it chose.
    el_source(editLine, nil)
    iq_el_bind(editLine, "^I", "iq-complete")
  }

  /// Tab: complete the word at the cursor; several candidates are listed.
  func complete(_ el: OpaquePointer?) -> UInt8 {
    guard let info = el_line(el)?.pointee else { return UInt8(CC_ERROR) }
    let lineBytes = UnsafeBufferPointer(
      start: UnsafeRawPointer(info.buffer).assumingMemoryBound(to: UInt8.self), count: info.cursor - info.buffer)
    let line = String(decoding: lineBytes, as: UTF8.self)
    var text = pending + line
    // `| where reg<Tab>` after a query: the columns of that query.
    if pending.isEmpty, Continuation.startsWithStep(line), let last = lastPipeline { text = last + "\n" + line }
    let completion = Completion.complete(text, cursor: text.utf8.count, session: session)
    let typed = String(decoding: Array(text.utf8)[completion.start...], as: UTF8.self)
    guard !completion.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
    let replacement = completion.candidates.count == 1 ? completion.candidates[0] : completion.commonPrefix
    if replacement.count > typed.count || (replacement.lowercased() == typed.lowercased() && replacement != typed) {
      el_deletestr(el, Int32(typed.count))
      el_insertstr(el, replacement)
      return UInt8(CC_REFRESH)
    }
    // Several candidates and nothing more in common: list them.
    let width = (completion.candidates.map(\.count).max() ?? 0) + 2
    let perLine = max(1, terminalSize().columns / width)
    var out = "\n"
    for (i, c) in completion.candidates.enumerated() {
      out += c.padding(toLength: width, withPad: " ", startingAt: 0)
      if (i + 1) % perLine == 0 { out += "\n" }
    }
    if !out.hasSuffix("\n") { out += "\n" }
    fputs(out, stdout)
    return UInt8(CC_REDISPLAY)
  }

  /// libedit's read function: one UTF-8 character from standard input.
  /// Ctrl-C's signal interrupts the read, and this returns -1 (EINTR), so
  /// el_gets gives up the line at once rather than reading on.
  static func readCharacter(_ out: UnsafeMutablePointer<wchar_t>?) -> Int32 {
    func byte() -> Int32 {
      if !readAhead.isEmpty { return Int32(readAhead.removeFirst()) }
      var b: UInt8 = 0
      while true {
        // Ctrl-C may have come while libedit was drawing rather than reading.
        if CtrlC.cancellation.isRequested { return -1 }
        let n = read(STDIN_FILENO, &b, 1)
        if n == 1 { return Int32(b) }
        if n == 0 { return -2 }
        if errno == EINTR && CtrlC.cancellation.isRequested { return -1 }
        if errno != EINTR { return -1 }
      }
    }
    var first = byte()
    // A bracketed paste's start and end marks (ESC [200~ and ESC [201~),
    // which come in one piece, are taken out here; any other ESC sequence
    // (an arrow key) goes to libedit as it was.
    while first == 0x1B && inputWaiting() {
      var seen: [UInt8] = []
      for expected in Array("[20".utf8) {
        let b = byte()
        guard b >= 0 else { break }
        seen.append(UInt8(b))
        if UInt8(b) != expected { break }
      }
      if seen == Array("[20".utf8) {
        let kind = byte(), tilde = byte()
        if (kind == 0x30 || kind == 0x31) && tilde == 0x7E {
          pasting = kind == 0x30
          // A paste that ended with a line break has been read: an empty
          // line lets the shell run it now rather than at the next key.
          if !pasting && !inputWaiting() && currentLineIsEmpty() { first = 0x0A } else { first = byte() }
          continue
        }
        for b in [kind, tilde] where b >= 0 { seen.append(UInt8(b)) }
      }
      readAhead = seen + readAhead
      break
    }
    if first == -2 { return 0 }
    if first < 0 { return -1 }
    var scalar = UInt32(first)
    var more = 0
    if first >= 0xF0 {
      scalar &= 0x07
      more = 3
    } else if first >= 0xE0 {
      scalar &= 0x0F
      more = 2
    } else if first >= 0xC0 {
      scalar &= 0x1F
      more = 1
    }
    for _ in 0..<more {
      let b = byte()
      if b < 0 { return b == -2 ? 0 : -1 }
      scalar = (scalar << 6) | (UInt32(b) & 0x3F)
    }
    out?.pointee = wchar_t(bitPattern: scalar)
    return 1
  }

  // MARK: - History

  var historyPath: String {
    if let path = ProcessInfo.processInfo.environment["IQ_HISTORY"], !path.isEmpty { return path }
    // $HOME first: Foundation's home directory comes from the password file.
    let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    return (home as NSString).appendingPathComponent(".iq_history")
  }

  func setUpHistory() {
    history = history_init()
    iq_history_int(history, &event, H_SETSIZE, InteractiveShell.maxHistory)
    iq_history_int(history, &event, H_SETUNIQUE, 1)
    iq_el_set_history(editLine, history)
    session.history = { [unowned self] in self.entries() }

    let path = historyPath
    if FileManager.default.fileExists(atPath: path) {
      guard access(path, R_OK | W_OK) == 0 else {
        warn("can't read and write the history file \(path); this session's history won't be kept")
        return
      }
      if iq_history_string(history, &event, H_LOAD, path) < 0 {
        warn("\(path) is not an iq history file; it is left as it is, and this session's history won't be kept")
        return
      }
      compact(path)
    } else {
      // Created private: queries can name patients' data.
      let fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
      guard fd >= 0 else {
        warn("can't create the history file \(path): \(String(cString: strerror(errno)))")
        return
      }
      let header = "_HiStOrY_V2_\n"
      _ = header.withCString { write(fd, $0, strlen($0)) }
      close(fd)
    }
    chmod(path, 0o600)
    historyFile = fopen(path, "a")
  }

  /// A file past the limit is rewritten with the newest entries only.
  func compact(_ path: String) {
    guard let data = FileManager.default.contents(atPath: path) else { return }
    let lines = data.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    guard lines > Int(InteractiveShell.maxHistory) + 1 else { return }
    let temp = path + ".iq-tmp"
    guard let fp = fopen(temp, "w") else { return }
    fchmod(fileno(fp), 0o600)
    fputs("_HiStOrY_V2_\n", fp)
    iq_history_save_last(history, &event, Int(InteractiveShell.maxHistory) - 1, fp)
    fclose(fp)
    rename(temp, path)
  }

  /// Adds a statement to history and appends it to the file at once, so a
  /// crash loses nothing. A multi-line statement is one entry.
  func remember(_ statement: String) {
    var entry = Continuation.historyEntry(statement)
    // A password typed in an engine's URL is not kept.
    if entry.hasPrefix(".engine") { entry = Redact.url(entry) }
    guard !entry.isEmpty else { return }
    var last = HistEvent()
    if iq_history(history, &last, H_FIRST) == 0, let s = last.str, String(cString: s) == entry { return }
    iq_history_string(history, &event, H_ENTER, entry)
    if let historyFile {
      // H_NSAVE_FP with n writes the newest n + 1 entries (it steps n back
      // from the newest, then writes forward): 0 writes the new one alone.
      iq_history_save_last(history, &event, 0, historyFile)
      fflush(historyFile)
    }
  }

  /// History, oldest first.
  func entries() -> [String] {
    var out: [String] = []
    var ev = HistEvent()
    var ok = iq_history(history, &ev, H_LAST)
    while ok == 0 {
      if let s = ev.str { out.append(String(cString: s).trimmingCharacters(in: .newlines)) }
      ok = iq_history(history, &ev, H_PREV)
    }
    return out
  }

  // MARK: - Terminal

  func terminalSize() -> (columns: Int, rows: Int) {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
      return (Int(size.ws_col), Int(size.ws_row))
    }
    return (80, 24)
  }

  /// Results fit the terminal: the rows that fit, cut columns, colour.
  func setUpOutput() {
    let (columns, rows) = terminalSize()
    session.limits = TableLimits(
      maxRows: max(10, rows - 6), maxWidth: columns, footerHint: ".mode csv or save to see all",
      palette: session.palette)
    el_resize(editLine)
  }

  func setUpSignals() { CtrlC.catchSignal(once: false) }

  func warn(_ message: String) {
    FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
  }
}
