/// A CAM method, named as on the command line (`--method`).
///
/// Each case is implemented by one file of `Methods/` that turns a layer's activations (and
/// gradients) into channel weights, element-wise terms or a principal component; ``CAMRunner``
/// does the rest (ReLU, normalisation, resizing, several layers, test-time augmentation).
public enum CAMMethod: String, CaseIterable, Sendable, Equatable {
  case gradcam
  case hirescam
  case gradcamElementwise = "gradcam-elementwise"
  case gradcamPlusPlus = "gradcam++"
  case xgradcam
  case layercam
  case eigencam
  case eigengradcam
  case scorecam
  case ablationcam

  /// Whether the method needs the gradient of the target score at the layer (one backward pass).
  public var needsGradients: Bool {
    switch self {
    case .eigencam, .scorecam, .ablationcam: return false
    default: return true
    }
  }

  /// Whether the method runs the model again on perturbed inputs or activations (ScoreCAM: one
  /// masked input per channel; AblationCAM: one ablated activation per channel).
  public var perturbs: Bool { self == .scorecam || self == .ablationcam }

  /// The implementation.
  var implementation: any CAMMethodImplementation.Type {
    switch self {
    case .gradcam: return GradCAM.self
    case .hirescam: return HiResCAM.self
    case .gradcamElementwise: return GradCAMElementWise.self
    case .gradcamPlusPlus: return GradCAMPlusPlus.self
    case .xgradcam: return XGradCAM.self
    case .layercam: return LayerCAM.self
    case .eigencam: return EigenCAM.self
    case .eigengradcam: return EigenGradCAM.self
    case .scorecam: return ScoreCAM.self
    case .ablationcam: return AblationCAM.self
    }
  }
}
