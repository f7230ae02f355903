/// What to explain for one batch item: the model's own top-1 class or a given class.
public enum CAMTarget: Sendable, Equatable {
  /// The class with the largest logit (`--class auto`).
  case top1
  /// A class index into the model's output.
  case classIndex(Int)
}
