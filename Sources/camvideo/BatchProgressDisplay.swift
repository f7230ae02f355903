internal import Foundation
internal import Glibc
internal import Pipeline

/// The batch's one progress line on a terminal.
///
/// Clips done/total, frames/s, the time left and the clips in flight. Silent when standard error is not a terminal or with `--quiet`.
final class BatchProgressDisplay: @unchecked Sendable {
  /// A terminal, and not `--quiet`: progress, notes and the summary are shown.
  let enabled: Bool
  private let lock = NSLock()
  private var lastDraw = -1.0
  private var drawn = false

  init(quiet: Bool) {
    enabled = !quiet && isatty(STDERR_FILENO) == 1
  }

  /// Redraws at most 5 times a second.
  func update(_ p: BatchProgress) {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    guard p.seconds - lastDraw >= 0.2 || p.clipsDone == p.clipsTotal else { return }
    lastDraw = p.seconds
    drawn = true
    let line = Self.line(p)
    let width = Self.terminalWidth()
    let shown = line.count < width ? line : String(line.prefix(max(10, width - 1)))
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + shown).utf8))
  }

  /// Clears the line before the summary is printed.
  func finish() {
    guard enabled, drawn else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }

  /// The line: `[#####...] 3/10 clips  24.1 fps  ETA 1:05  | a.mp4 12/40, b/c.mkv 3/60`.
  static func line(_ p: BatchProgress) -> String {
    let width = 20
    let filled = Int(p.fractionDone * Double(width))
    var text =
      "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
      + "] \(p.clipsDone)/\(p.clipsTotal) clips"
    if p.framesPerSecond > 0 { text += String(format: "  %.1f fps", p.framesPerSecond) }
    if let left = p.secondsLeft { text += "  ETA " + ProgressBar.clock(left) }
    if !p.current.isEmpty {
      text +=
        "  | "
        + p.current.map { c in
          c.input + " " + (c.expectedFrames.map { "\(c.frames)/\($0)" } ?? "\(c.frames)")
        }.joined(separator: ", ")
    }
    return text
  }

  static func terminalWidth() -> Int {
    var size = winsize()
    if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
      return Int(size.ws_col)
    }
    return 100
  }
}
