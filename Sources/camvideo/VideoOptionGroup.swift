import ArgumentParser
internal import Pipeline

/// The video flags of ../shared/CLI.md ("Video-only") that render and batch share: how frames
/// are batched, smoothed, normalised and drawn.
struct VideoOptionGroup: ParsableArguments {
  @Option(help: "Frames per model call (default 8; 1 for live input, for the lowest latency).")
  var batch: Int?

  @Option(help: "Temporal smoothing: EMA weight on the past map (0 = off).")
  var smooth: Float = 0.5

  @Flag(
    inversion: .prefixedNo,
    help: "For --class auto: switch class only when another wins clearly over several frames.")
  var stableClass = true

  @Option(help: "Map scale: per frame (pytorch-grad-cam) or one for the whole clip (2 passes).")
  var normalize: NormalizeChoice = .frame

  @Flag(inversion: .prefixedNo, help: "Draw the class name and probability.")
  var label = true

  @Flag(help: "Original and overlay next to each other.")
  var sideBySide = false

  func validate() throws {
    if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
    if !(0..<1).contains(smooth) { throw ValidationError("--smooth must be in [0, 1)") }
  }

  /// How frames are composed, with the CAM flags' overlay.
  func composer(_ cam: CAMOptionGroup) -> FrameComposer {
    FrameComposer(overlay: cam.overlay, drawsLabel: label, sideBySide: sideBySide)
  }
}
