public import VideoIO

/// What the model and the CAM method say about one frame.
public struct FrameExplanation: Sendable {
  /// The class explained, with its softmax probability.
  public var target: Prediction
  /// The five most probable classes.
  public var top: [Prediction]
  /// The map at the model's input resolution, normalised to [0, 1] per frame (pytorch-grad-cam).
  public var map: [Float]
  /// The map before normalisation, at the target layer's resolution (after ReLU): small enough
  /// to keep for a whole clip when `--normalize clip` scales every frame alike.
  public var raw: [Float]
  public var rawWidth: Int
  public var rawHeight: Int
  /// The largest raw value (`map_max_raw` in `--frames-json`).
  public var rawMax: Float

  public init(
    target: Prediction, top: [Prediction], map: [Float], raw: [Float], rawWidth: Int,
    rawHeight: Int, rawMax: Float
  ) {
    self.target = target
    self.top = top
    self.map = map
    self.raw = raw
    self.rawWidth = rawWidth
    self.rawHeight = rawHeight
    self.rawMax = rawMax
  }
}

/// The model and CAM side of the pipeline, seen from the frames: explains batches of pictures
/// already at the model's size.
public protocol FrameExplaining: AnyObject {
  /// The model's input size (the size of the pictures `explain` takes and of its maps).
  var inputWidth: Int { get }
  var inputHeight: Int { get }

  /// Explains a batch.
  /// - Parameters:
  ///   - pictures: model-size pictures, in frame order.
  ///   - choose: picks each picture's target class from its class probabilities; called once per
  ///     picture, in order (the stable `auto` target lives there).
  func explain(_ pictures: [RGBImage], choose: (_ probabilities: [Float]) -> Int) throws
    -> [FrameExplanation]

  /// A raw map brought to the input resolution and scaled by `(x − low) / (high − low + 1e-7)`
  /// (the clip-wide normalisation), clamped to [0, 1].
  func upsample(_ explanation: FrameExplanation, low: Float, high: Float) -> [Float]
}
