public import VideoIO

/// Everything `camvideo render` decides beyond the model and the CAM method: which frames,
/// how maps are smoothed and normalised, what the output looks like and where side outputs go.
public struct RenderOptions: Sendable {
  /// How maps are scaled to [0, 1] (`--normalize`).
  public enum Normalization: String, Sendable, CaseIterable {
    /// Per-frame min-max, as pytorch-grad-cam.
    case frame
    /// One scale for the whole clip: two passes over the input (files only).
    case clip
  }

  public var input: String
  public var output: String
  public var inputOptions: InputOptions
  public var outputSettings: OutputSettings
  /// The class to explain; nil is `auto` (each frame's top-1, or the stable target).
  public var classID: Int?
  /// Frames per model call.
  public var batch: Int
  /// EMA weight on the past (0 = off).
  public var smooth: Float
  /// Hysteresis on the `auto` target.
  public var stableClass: Bool
  public var normalization: Normalization
  /// How a frame becomes the model input; the map is placed back over the full frame.
  public var fit: Fit
  public var composer: FrameComposer
  /// One JSON line per frame.
  public var framesJSON: String?
  /// The maps as an 8-bit grayscale video at model resolution.
  public var mapsOutput: String?
  /// Seconds of input to skip (decoded and dropped) and to keep.
  public var start: Double?
  public var duration: Double?
  public var maxFrames: Int?
  /// Live input: the queue in front of the model drops the oldest frames instead of blocking.
  public var live: Bool

  public init(
    input: String, output: String, inputOptions: InputOptions = InputOptions(),
    outputSettings: OutputSettings = OutputSettings(), classID: Int? = nil, batch: Int = 4,
    smooth: Float = 0.5,
    stableClass: Bool = true, normalization: Normalization = .frame, fit: Fit = .stretch,
    composer: FrameComposer = FrameComposer(), framesJSON: String? = nil,
    mapsOutput: String? = nil, start: Double? = nil, duration: Double? = nil,
    maxFrames: Int? = nil, live: Bool = false
  ) {
    self.input = input
    self.output = output
    self.inputOptions = inputOptions
    self.outputSettings = outputSettings
    self.classID = classID
    self.batch = batch
    self.smooth = smooth
    self.stableClass = stableClass
    self.normalization = normalization
    self.fit = fit
    self.composer = composer
    self.framesJSON = framesJSON
    self.mapsOutput = mapsOutput
    self.start = start
    self.duration = duration
    self.maxFrames = maxFrames
    self.live = live
  }
}
