/// The explanation of one batch item.
public struct CAMResult: Sendable, Equatable {
  /// The explained class.
  public var classID: Int
  /// Its score as explained (logit or softmax probability, per ``CAMOptions/score``), on the
  /// unaugmented input.
  public var score: Float
  /// The item's logits (all classes), for a top-5.
  public var logits: [Float]
  /// `softmax(logits)`.
  public var probabilities: [Float]
  /// The map at the (first) target layer's resolution after ReLU, before any normalisation.
  ///
  /// For callers that normalise themselves (temporal smoothing, clip-level normalisation).
  /// With several layers: the mean of their maps, each resized to the first layer's size; with
  /// test-time augmentation: the mean of the six passes' maps, flipped back.
  public var raw: Heatmap
  /// The raw map of each target layer, in ``CAMRunner/layers`` order (augmented passes
  /// averaged).
  public var layerMaps: [Heatmap]
  /// The final map at the input's resolution, exactly as pytorch-grad-cam returns it.
  ///
  /// Per layer ReLU, min-max, bilinear resize; then the mean over layers, min-max again. With test-time
  /// augmentation, the mean of the six passes' final maps (not renormalised).
  public var map: Heatmap

  /// A result.
  public init(
    classID: Int, score: Float, logits: [Float], probabilities: [Float], raw: Heatmap,
    layerMaps: [Heatmap], map: Heatmap
  ) {
    self.classID = classID
    self.score = score
    self.logits = logits
    self.probabilities = probabilities
    self.raw = raw
    self.layerMaps = layerMaps
    self.map = map
  }
}
