/// What the video layer sees in an input: container, streams, the video stream it decodes and
/// the audio it can carry over.
public struct MediaInfo: Sendable, Equatable {
  /// Demuxer name, as ffprobe's `format_name`.
  public var format: String
  public var formatLongName: String
  /// Container duration in seconds, nil when unknown.
  public var duration: Double?
  public var startTime: Double?
  public var bitRate: Int
  public var streams: [StreamInfo]
  public var video: VideoStreamInfo
  /// The audio streams, best first.
  public var audio: [AudioStreamInfo]
}

public struct StreamInfo: Sendable, Equatable {
  public var index: Int
  /// "video", "audio", "subtitle", "data", "attachment" or "unknown".
  public var kind: String
  public var codec: String
  public var frames: Int
  public var duration: Double?
  public var timeBase: Rational
  public var isAttachedPicture: Bool
}

public struct VideoStreamInfo: Sendable, Equatable {
  public var streamIndex: Int
  public var codec: String
  public var codecLongName: String
  public var profile: String
  public var pixelFormat: String
  /// Size as stored.
  public var storedWidth: Int
  public var storedHeight: Int
  /// Size the decoder allocates (may be aligned up).
  public var codedWidth: Int
  public var codedHeight: Int
  /// Size as displayed, after rotation: the size of the frames this layer delivers.
  public var width: Int
  public var height: Int
  /// Clockwise degrees applied for display: 0, 90, 180 or 270.
  public var rotation: Int
  /// The display matrix mirrors the picture.
  public var mirrored: Bool
  public var sampleAspectRatio: Rational
  /// Nominal frame rate (`r_frame_rate`).
  public var frameRate: Rational
  /// Average frame rate (`avg_frame_rate`).
  public var averageFrameRate: Rational
  public var timeBase: Rational
  /// Frame count the container states; 0 when it does not.
  public var framesInContainer: Int
  public var startPTS: Int64?
  public var duration: Double?
  public var bitRate: Int
  public var bitsPerRawSample: Int

  /// The best frame rate to assume: average, else nominal, else 25.
  public var effectiveFrameRate: Rational {
    if averageFrameRate.isValid && averageFrameRate.value < 1000 { return averageFrameRate }
    if frameRate.isValid && frameRate.value < 1000 { return frameRate }
    return Rational(25, 1)
  }
}

public struct AudioStreamInfo: Sendable, Equatable {
  public var streamIndex: Int
  public var codec: String
  public var sampleRate: Int
  public var channels: Int
  public var layout: String
  public var bitRate: Int
  public var duration: Double?
}
