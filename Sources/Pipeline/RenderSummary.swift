/// What a render did: the summary line at the end, and the batch report's per-clip fields.
public struct RenderSummary: Sendable {
  public var frames = 0
  public var seconds = 0.0
  /// Frames the live queue dropped because the model was slower than the source.
  public var droppedFrames = 0
  /// How often the explained class changed from one frame to the next.
  public var targetSwitches = 0
  /// Explained classes by how many frames each was the target, most frequent first.
  public var dominant: [(prediction: Prediction, frames: Int)] = []
  /// The input's damage, if any (a one-line warning).
  public var inputWarning: String?
  /// Stopped by `stop()` (SIGINT/SIGTERM) before the end of the input: the output is complete
  /// up to there and playable.
  public var partial = false
  public var audio: String?
  /// Where the live view was served (its URL with the port actually bound), when the output
  /// was the live view.
  public var liveView: String?
  /// Seconds from a frame's decoding to its encoding: median and largest (the live latency).
  public var latencyMedian = 0.0
  public var latencyMax = 0.0

  public init() {}

  public var framesPerSecond: Double { seconds > 0 ? Double(frames) / seconds : 0 }

  /// The share of frames of each dominant class.
  public func share(_ frames: Int) -> Double {
    self.frames > 0 ? Double(frames) / Double(self.frames) : 0
  }
}

/// Progress while rendering, for the CLI's progress bar.
public struct RenderProgress: Sendable {
  public var frames: Int
  /// Frames expected in all, when the input says (for the ETA).
  public var expectedFrames: Int?
  public var seconds: Double
  public var droppedFrames: Int
  /// The pass (1 of 2 when `--normalize clip` looks at the whole clip first).
  public var pass: Int
  public var passes: Int

  public var framesPerSecond: Double { seconds > 0 ? Double(frames) / seconds : 0 }
}
