/// The scalar a CAM method explains for the target class (`--target`).
public enum TargetScore: String, CaseIterable, Sendable, Equatable {
  /// The class logit (pytorch-grad-cam's `ClassifierOutputTarget`).
  case logit
  /// The class's softmax probability (`ClassifierOutputSoftmaxTarget`).
  case softmax
}
