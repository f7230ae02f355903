public import Engine

/// Why a CAM could not be computed or a class not chosen; each case says what was expected.
public enum CAMError: Error, Equatable, Sendable, CustomStringConvertible {
  /// One target per batch item is required.
  case targetCount(expected: Int, got: Int)
  /// A class index outside the model's output.
  case classOutOfRange(index: Int, classes: Int)
  /// A class name no label matches; `closeMatches` lists similar labels as `ID name`.
  case unknownClass(name: String, closeMatches: [String])
  /// A class name several labels match; `matches` lists them as `ID name`.
  case ambiguousClass(name: String, matches: [String])
  /// A class given by name for a model without labels.
  case noLabels(name: String)
  /// The model names no default target layer and none was given.
  case noTargetLayer
  /// A target layer whose activation is not `[N, C, H, W]`.
  case notSpatial(layer: String, shape: [Int])
  /// The input batch is not `[N, C, H, W]`.
  case inputShape(got: [Int])
  /// The model's first output is not `[N, classes]` logits.
  case notAClassifier(outputShape: [Int])
  /// An option out of its range.
  case invalidOption(name: String, expected: String)
  /// The engine refused a name, shape or seed.
  case engine(EngineError)

  public var description: String {
    switch self {
    case .targetCount(let expected, let got):
      return "expected one target per batch item (\(expected)), got \(got)"
    case .classOutOfRange(let index, let classes):
      return "class \(index) is out of range: the model has classes 0...\(classes - 1)"
    case .unknownClass(let name, let close):
      return close.isEmpty
        ? "no class named '\(name)'"
        : "no class named '\(name)'; close matches: \(close.joined(separator: ", "))"
    case .ambiguousClass(let name, let matches):
      return "class name '\(name)' is ambiguous: \(matches.joined(separator: ", ")); use the ID"
    case .noLabels(let name):
      return "class '\(name)' given by name, but the model has no labels (give --labels or an ID)"
    case .noTargetLayer:
      return "the model has no default target layer; give one with --layer"
    case .notSpatial(let layer, let shape):
      return "layer '\(layer)' has shape \(shape); expected an N×C×H×W activation"
    case .inputShape(let got):
      return "input of shape \(got); expected an N×C×H×W batch"
    case .notAClassifier(let shape):
      return "the model's first output has shape \(shape); expected N×classes logits"
    case .invalidOption(let name, let expected):
      return "\(name) must be \(expected)"
    case .engine(let e): return e.description
    }
  }
}
