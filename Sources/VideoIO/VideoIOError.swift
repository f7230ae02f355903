internal import CVideoShim

/// A failure of the video layer: what was being done, to which file, and FFmpeg's reason.
public struct VideoIOError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What kind of failure, for callers that react differently (skip, retry...).
  public enum Kind: Sendable, Equatable {
    case notFound, notAFile, noVideoStream, unsupportedCodec, unknownFormat, invalidData
    case timedOut, interrupted, invalidArgument, io
  }

  public var kind: Kind
  /// The file, URL or device concerned.
  public var path: String
  /// The operation that failed ("open", "decode", "encode", "write trailer"...).
  public var operation: String
  /// A human sentence: why.
  public var reason: String
  /// FFmpeg's error code, when there is one.
  public var code: Int32

  public init(_ kind: Kind, path: String, operation: String, reason: String, code: Int32 = 0) {
    self.kind = kind
    self.path = path
    self.operation = operation
    self.reason = reason
    self.code = code
  }

  /// One line: `path: cannot <operation>: <reason>`.
  public var description: String { "\(path): cannot \(operation): \(reason)" }
}

/// FFmpeg's text for an AVERROR code.
func ffmpegErrorText(_ code: Int32) -> String {
  var buffer = [CChar](repeating: 0, count: 256)
  cv_strerror(code, &buffer, buffer.count)
  return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Turns a negative FFmpeg return code into a `VideoIOError` naming the operation and the file
/// (after swift-nio's `syscall(…)` wrapper); passes non-negative codes through.
@discardableResult
func check(_ code: Int32, _ operation: String, path: String) throws(VideoIOError) -> Int32 {
  guard code < 0 else { return code }
  throw VideoIOError(
    errorKind(of: code), path: path, operation: operation, reason: ffmpegErrorText(code), code: code
  )
}

func errorKind(of code: Int32) -> VideoIOError.Kind {
  switch code {
  case -2: return .notFound  // ENOENT
  case -21: return .notAFile  // EISDIR
  case -110: return .timedOut  // ETIMEDOUT
  case -22: return .invalidArgument  // EINVAL
  case CV_EXIT: return .interrupted
  case CV_ERR_STREAM_NOT_FOUND: return .noVideoStream
  case CV_ERR_DECODER_NOT_FOUND, CV_ERR_ENCODER_NOT_FOUND: return .unsupportedCodec
  case CV_ERR_DEMUXER_NOT_FOUND, CV_ERR_MUXER_NOT_FOUND: return .unknownFormat
  case CV_ERR_INVALIDDATA: return .invalidData
  default: return .io
  }
}
