/// How to open an input (CLI `--input-format`, `--input-option`, `--timeout`...).
public struct InputOptions: Sendable {
  /// A demuxer or device name (`v4l2`, `lavfi`, `mpegts`...); nil lets libavformat probe.
  public var format: String?
  /// Demuxer/device options, in order (`video_size=640x480`, `framerate=30`...).
  public var options: [(key: String, value: String)]
  /// Decoder threads; 0 lets FFmpeg choose.
  public var decoderThreads: Int
  /// Give up when the source makes no progress for this many seconds; nil waits forever.
  public var timeout: Double?
  /// Deliver the best audio stream's packets too (to carry them into an output).
  public var includeAudio: Bool
  /// Also deliver each frame resized for a model, as `VideoFrame.scaled`.
  public var scaled: ScaledOutput?

  public init(
    format: String? = nil, options: [(key: String, value: String)] = [], decoderThreads: Int = 0,
    timeout: Double? = nil, includeAudio: Bool = false, scaled: ScaledOutput? = nil
  ) {
    self.format = format
    self.options = options
    self.decoderThreads = decoderThreads
    self.timeout = timeout
    self.includeAudio = includeAudio
    self.scaled = scaled
  }
}

/// A second, resized copy of every frame (the model input).
public struct ScaledOutput: Sendable, Equatable {
  public var width: Int
  public var height: Int
  public var fit: Fit
  public var filter: ScaleFilter
  public init(width: Int, height: Int, fit: Fit = .stretch, filter: ScaleFilter = .area) {
    self.width = width
    self.height = height
    self.fit = fit
    self.filter = filter
  }
}
