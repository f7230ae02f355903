/// A failure of `camvideo batch` as a whole (a clip's own failure is recorded in the report
/// instead), naming the folder or file concerned.
public enum BatchError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The input folder cannot be listed.
  case inputFolder(path: String, reason: String)
  /// The output folder cannot be created.
  case outputFolder(path: String, reason: String)
  /// `--shard I/N` that is not a shard.
  case shard(text: String, reason: String)
  /// A report that cannot be read or written.
  case report(path: String, reason: String)

  public var description: String {
    switch self {
    case .inputFolder(let path, let reason): return "\(path): cannot list the folder: \(reason)"
    case .outputFolder(let path, let reason):
      return "\(path): cannot create the output folder: \(reason)"
    case .shard(let text, let reason): return "--shard \(text): \(reason)"
    case .report(let path, let reason): return "\(path): \(reason)"
    }
  }
}
