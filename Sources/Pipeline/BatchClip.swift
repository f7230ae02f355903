/// A file of a batch's input folder and where its overlay goes.
public struct BatchClip: Sendable, Equatable {
  /// The path below the input folder (`trip/day1.mp4`), which the output keeps.
  public var relativePath: String
  /// The input file.
  public var input: String
  /// The output file: the same relative path below the output folder (see
  /// ``BatchDiscovery/outputName(for:codec:format:taken:)``).
  public var output: String
  /// Bytes, for balancing shards and estimating the time left.
  public var size: Int64

  public init(relativePath: String, input: String, output: String, size: Int64) {
    self.relativePath = relativePath
    self.input = input
    self.output = output
    self.size = size
  }
}

/// What probing a file said about it.
public enum BatchProbe: Sendable, Equatable {
  /// A video: render it.
  case video
  /// Not a video (a photo, a text file, audio only): skipped with a note, not a failure.
  case notAVideo(reason: String)
  /// Meant to be a video (a video file name, or a container FFmpeg recognises) but unreadable:
  /// a failed clip.
  case unreadable(reason: String)
}
