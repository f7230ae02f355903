/// What a method sees of one batch item at one target layer: the typed input of every
/// ``CAMMethodImplementation``.
struct LayerInput {
  /// Channels, rows and columns of the layer.
  var channels: Int
  var height: Int
  var width: Int
  /// `A`, `C × H × W`.
  var activations: [Float]
  /// `G = ∂score/∂A`, `C × H × W` (zeros for methods without gradients).
  var gradients: [Float]
  /// The item's logits.
  var logits: [Float]
  /// The explained class and its score.
  var targetClass: Int
  var targetScore: Float
  /// Runs the model again for the perturbation methods (ScoreCAM, AblationCAM).
  var probe: ModelProbe

  /// Spatial positions per channel.
  var area: Int { height * width }

  /// `Σ_ij x[c, i, j]` for every channel.
  static func channelSums(_ x: [Float], channels: Int, area: Int) -> [Float] {
    (0..<channels).map { c in
      var s: Float = 0
      for k in c * area..<(c + 1) * area { s += x[k] }
      return s
    }
  }
}
