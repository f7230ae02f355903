/// How a ``CAMRunner`` explains: method, layers, score and smoothing.
public struct CAMOptions: Sendable, Equatable {
  /// The method (`--method`).
  public var method: CAMMethod
  /// Target layers: tensor, node or module names or unique prefixes (`--layer`); empty means the
  /// model's default target layer.
  public var layers: [String]
  /// Which score of the target class is explained (`--target`).
  public var score: TargetScore
  /// Test-time augmentation: horizontal flip × {0.9, 1, 1.1} on the normalised input, 6 passes
  /// in one batch, maps flipped back and averaged (`--aug-smooth`).
  public var augSmooth: Bool
  /// The first principal component of the weighted activations instead of their channel sum
  /// (`--eigen-smooth`).
  public var eigenSmooth: Bool
  /// Inputs per model call for ScoreCAM's masked inputs and AblationCAM's ablated activations.
  public var scoreBatch: Int

  /// Options with pytorch-grad-cam's defaults (Grad-CAM on the default layer, logit target).
  public init(
    method: CAMMethod = .gradcam, layers: [String] = [], score: TargetScore = .logit,
    augSmooth: Bool = false, eigenSmooth: Bool = false, scoreBatch: Int = 32
  ) {
    self.method = method
    self.layers = layers
    self.score = score
    self.augSmooth = augSmooth
    self.eigenSmooth = eigenSmooth
    self.scoreBatch = scoreBatch
  }
}
