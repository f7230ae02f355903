internal import Foundation
internal import Glibc
internal import Pipeline

/// The progress line on a terminal.
///
/// It shows frames, fps and the ETA when the length is known. Silent
/// when standard error is not a terminal or with `--quiet`.
final class ProgressBar: @unchecked Sendable {
  /// A terminal, and not `--quiet`: progress and the summary line are shown.
  let enabled: Bool
  private let lock = NSLock()
  private var lastDraw = 0.0
  private var drawn = false

  init(quiet: Bool) {
    enabled = !quiet && isatty(STDERR_FILENO) == 1
  }

  /// Redraws at most 10 times a second.
  func update(_ p: RenderProgress) {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    guard p.seconds - lastDraw >= 0.1 || p.frames == p.expectedFrames else { return }
    lastDraw = p.seconds
    drawn = true
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.line(p)).utf8))
  }

  /// Clears the line before the summary is printed.
  func finish() {
    guard enabled, drawn else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }

  static func line(_ p: RenderProgress) -> String {
    let fps = p.framesPerSecond
    var text = p.passes > 1 ? "pass \(p.pass)/\(p.passes) " : ""
    if let total = p.expectedFrames, total > 0 {
      let fraction = min(1, Double(p.frames) / Double(total))
      let width = 24
      let filled = Int(fraction * Double(width))
      text +=
        "[" + String(repeating: "#", count: filled)
        + String(repeating: ".", count: width - filled) + "] "
      text += "\(p.frames)/\(total) frames"
      if fps > 0 {
        text += String(
          format: "  %.1f fps  ETA %@", fps, Self.clock(Double(total - p.frames) / fps))
      }
    } else {
      text += "\(p.frames) frames"
      if fps > 0 { text += String(format: "  %.1f fps", fps) }
    }
    if p.droppedFrames > 0 { text += "  \(p.droppedFrames) dropped" }
    return text
  }

  /// `1:05` or `1:02:03`.
  static func clock(_ seconds: Double) -> String {
    let s = max(0, Int(seconds.rounded()))
    return s >= 3600
      ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
      : String(format: "%d:%02d", s / 60, s % 60)
  }
}
