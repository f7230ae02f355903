/// Where a batch stands, for the CLI's progress display.
public struct BatchProgress: Sendable {
  /// A clip being rendered.
  public struct Current: Sendable {
    /// Its path below the input folder.
    public var input: String
    public var frames: Int
    public var expectedFrames: Int?
    public var size: Int64
  }

  /// Clips finished (rendered, skipped, failed or ignored) and in all.
  public var clipsDone: Int
  public var clipsTotal: Int
  /// Frames rendered so far in this run.
  public var frames: Int
  /// Seconds since the batch started.
  public var seconds: Double
  /// Input bytes of the finished clips and of all clips (for the estimate of the time left).
  public var bytesDone: Int64
  public var bytesTotal: Int64
  /// The clips in flight.
  public var current: [Current]

  public var framesPerSecond: Double { seconds > 0 ? Double(frames) / seconds : 0 }

  /// The share of the work done, by input size, counting the clips in flight by their frames.
  public var fractionDone: Double {
    guard bytesTotal > 0 else { return clipsTotal > 0 ? Double(clipsDone) / Double(clipsTotal) : 0 }
    var done = Double(bytesDone)
    for c in current {
      if let expected = c.expectedFrames, expected > 0 {
        done += Double(c.size) * min(1, Double(c.frames) / Double(expected))
      }
    }
    return min(1, done / Double(bytesTotal))
  }

  /// Seconds left at the pace so far; nil until there is a pace.
  public var secondsLeft: Double? {
    let f = fractionDone
    guard f > 0.01, seconds > 0 else { return nil }
    return seconds * (1 - f) / f
  }
}
