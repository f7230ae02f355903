/// What happened while decoding: damage is counted, not thrown.
public struct DecodeStats: Sendable, Equatable {
  public var packetsRead: Int = 0
  public var videoPackets: Int = 0
  public var framesDecoded: Int = 0
  /// Packets the decoder rejected.
  public var decodeErrors: Int = 0
  /// Frames the decoder flagged as damaged.
  public var corruptFrames: Int = 0
  /// Demuxer errors before the end of the file (the input ends there).
  public var readErrors: Int = 0
  /// Packets the demuxer flagged as corrupt.
  public var corruptPackets: Int = 0
  /// Error messages FFmpeg logged about this input ("error while decoding MB…", "File ended
  /// prematurely"...), and the first of them.
  public var loggedErrors: Int = 0
  public var firstMessage: String?
  /// Frames the container claims; when more than were decoded, the input was cut short.
  public var framesInContainer: Int = 0
  /// FFmpeg's text for the last error, if any.
  public var lastError: String?
  public var timedOut = false
  public var interrupted = false

  public init() {}

  /// True when anything went wrong that the user should hear about.
  public var isDamaged: Bool {
    decodeErrors > 0 || corruptFrames > 0 || readErrors > 0 || corruptPackets > 0
      || loggedErrors > 0
      || isShort || timedOut
  }

  /// Fewer frames decoded than the container lists (counted once the input has ended).
  public var isShort: Bool { framesInContainer > 0 && framesDecoded < framesInContainer }

  /// A one-line warning describing the damage, or nil when there was none.
  public var warning: String? {
    guard isDamaged else { return nil }
    if timedOut {
      return "the stream stalled: no data within the timeout, so it ends here; "
        + "\(framesDecoded) frame\(framesDecoded == 1 ? "" : "s") decoded"
    }
    var parts: [String] = []
    if readErrors > 0 { parts.append("the file ends early or is unreadable past a point") }
    if decodeErrors > 0 {
      parts.append("\(decodeErrors) damaged packet\(decodeErrors == 1 ? "" : "s") skipped")
    }
    if corruptFrames > 0 {
      parts.append("\(corruptFrames) frame\(corruptFrames == 1 ? "" : "s") decoded with errors")
    }
    if corruptPackets > 0 {
      parts.append("\(corruptPackets) corrupt packet\(corruptPackets == 1 ? "" : "s")")
    }
    if loggedErrors > 0 && parts.isEmpty {
      parts.append("\(loggedErrors) error\(loggedErrors == 1 ? "" : "s") reported")
    }
    if isShort { parts.append("the container lists \(framesInContainer) frames") }
    var text = "damaged input: " + parts.joined(separator: ", ")
    text += "; \(framesDecoded) frame\(framesDecoded == 1 ? "" : "s") decoded"
    if let detail = firstMessage ?? lastError { text += " (\(detail))" }
    return text
  }
}
