/// A failure of the layer that joins video and the model, naming the file concerned.
public enum PipelineError: Error, CustomStringConvertible, Sendable, Equatable {
  /// No model file where camvideo looked.
  case modelNotFound(path: String, searched: String)
  /// The model and the requested preprocessing do not fit together.
  case modelInput(path: String, reason: String)
  /// A label file that cannot be used.
  case labels(path: String, reason: String)
  /// A side output (`--frames-json`) that cannot be written.
  case output(path: String, reason: String)
  /// The render was abandoned (``RenderPipeline/abandon()``): no output was written.
  case abandoned(path: String)

  public var description: String {
    switch self {
    case .modelNotFound(let path, let searched):
      return "\(path): no model file (\(searched)); install the default one with "
        + "scripts/install_model.sh (part of scripts/setup.sh), or give --model PATH"
    case .modelInput(let path, let reason): return "\(path): \(reason)"
    case .labels(let path, let reason): return "\(path): cannot use the labels: \(reason)"
    case .output(let path, let reason): return "\(path): \(reason)"
    case .abandoned(let path): return "\(path): abandoned; nothing was written"
    }
  }
}
