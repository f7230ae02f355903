internal import CVideoShim

/// The FFmpeg libraries camvideo runs on, as loaded at run time.
public enum FFmpegVersion {
  /// FFmpeg's version string, such as `5.1.6-0+deb12u1`.
  public static var string: String { String(cString: cv_ffmpeg_version()) }

  /// `libavformat 59.27.100, libavcodec …`.
  public static var libraries: String {
    func v(_ x: UInt32) -> String { "\(x >> 16).\((x >> 8) & 0xff).\(x & 0xff)" }
    return "libavformat \(v(cv_avformat_version())), libavcodec \(v(cv_avcodec_version())), "
      + "libswscale \(v(cv_swscale_version())), libavutil \(v(cv_avutil_version()))"
  }

  /// FFmpeg's own log level (see `av_log_set_level`); camvideo keeps FFmpeg quiet by default
  /// and reports damage through `DecodeStats`.
  public static func setLogLevel(_ level: FFmpegLogLevel) { cv_set_log_level(level.rawValue) }

  /// Whether this FFmpeg has an encoder of this name.
  public static func hasEncoder(_ name: String) -> Bool { cv_has_encoder(name) != 0 }
  /// Whether this FFmpeg has a muxer of this name.
  public static func hasMuxer(_ name: String) -> Bool { cv_has_muxer(name) != 0 }
  /// Whether this FFmpeg has a demuxer or input device of this name.
  public static func hasDemuxer(_ name: String) -> Bool { cv_has_demuxer(name) != 0 }
}

/// FFmpeg's log levels (`AV_LOG_*`).
public enum FFmpegLogLevel: Int32, Sendable {
  case quiet = -8
  case panic = 0
  case fatal = 8
  case error = 16
  case warning = 24
  case info = 32
  case verbose = 40
  case debug = 48
}
