internal import CVideoShim
internal import Foundation
internal import Glibc

/// How to encode (CLI `--format`, `--codec`, `--preset`, `--crf`, `--no-audio`).
public struct OutputSettings: Sendable {
  /// Muxer name; nil picks it from the destination's extension.
  public var format: String?
  /// Encoder name.
  public var codec: String
  /// Encoder preset; nil means `veryfast` for x264/x265 and nothing for codecs without presets.
  public var preset: String?
  /// Constant rate factor (x264, x265, VP9), or nil for the codec's default.
  ///
  /// Codecs without CRF get a fixed quantiser of similar quality.
  public var crf: Int?
  /// Encoder threads; 0 lets FFmpeg choose.
  public var threads: Int
  /// Keyframe interval in frames; nil keeps the codec's default.
  public var gop: Int?
  /// Carry the input's audio over.
  public var includeAudio: Bool
  public var codecOptions: [(key: String, value: String)]
  public var formatOptions: [(key: String, value: String)]

  public init(
    format: String? = nil, codec: String = "libx264", preset: String? = nil, crf: Int? = 23,
    threads: Int = 0, gop: Int? = nil, includeAudio: Bool = true,
    codecOptions: [(key: String, value: String)] = [],
    formatOptions: [(key: String, value: String)] = []
  ) {
    self.format = format
    self.codec = codec
    self.preset = preset
    self.crf = crf
    self.threads = threads
    self.gop = gop
    self.includeAudio = includeAudio
    self.codecOptions = codecOptions
    self.formatOptions = formatOptions
  }

  /// The preset actually passed to the encoder.
  public var effectivePreset: String? {
    if let preset { return preset }
    return ["libx264", "libx264rgb", "libx265"].contains(codec) ? "veryfast" : nil
  }
}

/// What happened to the input's audio in an output.
public enum AudioMode: Sendable, Equatable {
  case none
  /// Packets copied unchanged.
  case copied(codec: String)
  /// Re-encoded because the container does not take the input's codec.
  case transcoded(codec: String)
}

/// Encodes RGB frames (and carries audio packets) into any container libavformat writes: a
/// file, `-` (standard output) or a URL.
///
/// A file is written to a temporary name in the destination's folder and renamed into place by
/// `finish()`; if the writer is released unfinished (an error, an abandoned clip), the temporary
/// file is removed, so nothing half-written ever carries the final name.
public final class VideoWriter {
  public let destination: String
  public let settings: OutputSettings
  /// Size of the frames `write` takes.
  public let width: Int
  public let height: Int
  public let timeBase: Rational
  public private(set) var audioMode: AudioMode = .none
  public private(set) var framesWritten = 0
  private var handle: OpaquePointer?
  private let temporaryPath: String?
  private var state: State = .open

  private enum State { case open, finished, failed }

  /// Opens the encoder and the output.
  /// - Parameters:
  ///   - destination: a path, `-` or a URL.
  ///   - width, height: size of the RGB frames to come (odd sizes are padded for 4:2:0).
  ///   - timeBase: unit of the pts passed to `write` (use the input's to keep timestamps).
  ///   - frameRate: nominal rate, a hint for rate control.
  ///   - audioFrom: a reader opened with `includeAudio` whose audio should be carried over.
  /// - Throws: `VideoIOError` naming the destination and the cause.
  public init(
    _ destination: String, width: Int, height: Int, timeBase: Rational, frameRate: Rational,
    settings: OutputSettings = OutputSettings(), audioFrom reader: VideoReader? = nil
  ) throws(VideoIOError) {
    precondition(width > 0 && height > 0 && timeBase.isValid)
    self.destination = destination
    self.settings = settings
    self.width = width
    self.height = height
    self.timeBase = timeBase

    let isStdout = destination == "-"
    let isURL = InputSource.scheme(of: destination) != nil
    if isStdout && settings.format == nil {
      throw VideoIOError(
        .invalidArgument, path: destination, operation: "write",
        reason: "writing to standard output needs an explicit --format (e.g. matroska, mpegts, mp4)"
      )
    }
    let url: String
    if isStdout {
      url = "pipe:1"
      temporaryPath = nil
    } else if isURL {
      url = destination
      temporaryPath = nil
    } else {
      let temp = try VideoWriter.temporaryName(for: destination)
      url = temp
      temporaryPath = temp
    }

    var codecOpts: OpaquePointer?
    var formatOpts: OpaquePointer?
    cv_options_create(&codecOpts)
    cv_options_create(&formatOpts)
    defer {
      cv_options_free(&codecOpts)
      cv_options_free(&formatOpts)
    }
    for (k, v) in settings.codecOptions { cv_options_set(codecOpts, k, v) }
    for (k, v) in settings.formatOptions { cv_options_set(formatOpts, k, v) }

    var h: OpaquePointer?
    let code = url.withCString { curl in
      destination.withCString { cname in
        (settings.format ?? "").withCString { cformat in
          settings.codec.withCString { ccodec in
            (settings.effectivePreset ?? "").withCString { cpreset in
              var config = cv_output_config(
                url: curl, name_for_format: isStdout || isURL ? nil : cname,
                format_name: settings.format == nil ? nil : cformat, codec_name: ccodec,
                width: Int32(width), height: Int32(height), tb_num: Int32(timeBase.num),
                tb_den: Int32(timeBase.den), fps_num: Int32(frameRate.num),
                fps_den: Int32(frameRate.den),
                crf: Int32(settings.crf ?? -1),
                preset: settings.effectivePreset == nil ? nil : cpreset,
                threads: Int32(settings.threads), gop: Int32(settings.gop ?? 0),
                seekable: temporaryPath == nil ? 0 : 1, codec_options: codecOpts,
                format_options: formatOpts)
              return cv_output_open(&h, &config)
            }
          }
        }
      }
    }
    if code < 0 {
      if let temporaryPath { unlink(temporaryPath) }
      throw VideoWriter.openError(code, destination: destination, settings: settings)
    }
    handle = h

    if settings.includeAudio, let reader, reader.options.includeAudio {
      let mode = cv_output_add_audio(handle, reader.cHandle)
      if mode < 0 {
        abandon()
        try check(mode, "add the audio stream", path: destination)
      }
      let name = String(cString: cv_output_audio_codec(handle))
      switch mode {
      case Int32(CV_AUDIO_COPY): audioMode = .copied(codec: name)
      case Int32(CV_AUDIO_TRANSCODE): audioMode = .transcoded(codec: name)
      default: audioMode = .none
      }
    }
  }

  deinit { abandon() }

  /// Encodes one frame.
  /// - Parameters:
  ///   - pts: presentation time in `timeBase` units (kept, so VFR stays VFR).
  ///   - duration: in `timeBase` units, 0 when unknown.
  public func write(_ image: RGBImage, pts: Int64, duration: Int64 = 0) throws(VideoIOError) {
    precondition(
      image.width == width && image.height == height, "frame size differs from the output's")
    guard state == .open else { throw closedError() }
    let code = image.pixels.withUnsafeBufferPointer {
      cv_output_write_video(handle, $0.baseAddress, Int32(image.stride), pts, duration)
    }
    if code < 0 { state = .failed }
    try check(code, "encode a frame", path: destination)
    framesWritten += 1
  }

  /// Writes (or re-encodes) an audio packet from the reader given at creation.
  public func write(_ packet: AudioPacket) throws(VideoIOError) {
    guard state == .open else { throw closedError() }
    let code = cv_output_write_audio(handle, packet.handle)
    if code < 0 { state = .failed }
    try check(code, "write audio", path: destination)
  }

  /// Drains the encoders, writes the trailer and renames the file into place.
  ///
  /// After an interrupt this is what makes the partial output playable.
  public func finish() throws(VideoIOError) {
    guard state == .open else { throw closedError() }
    let code = cv_output_finish(handle)
    if code < 0 {
      state = .failed
      abandon()
      try check(code, "finish the output", path: destination)
    }
    cv_output_close(&handle)
    if let temporaryPath, rename(temporaryPath, destination) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temporaryPath)
      state = .failed
      throw VideoIOError(
        .io, path: destination, operation: "move the finished file into place", reason: reason)
    }
    state = .finished
  }

  /// The encoded size (even where 4:2:0 needs it), muxer and encoder actually used.
  public var encodedFormat:
    (muxer: String, codec: String, pixelFormat: String, width: Int, height: Int)
  {
    var info = cv_output_info()
    cv_output_info_get(handle, &info)
    return (
      cString(&info.muxer), cString(&info.codec), cString(&info.pix_fmt), Int(info.width),
      Int(info.height)
    )
  }

  /// Releases the encoder without finishing and removes the temporary file.
  private func abandon() {
    cv_output_close(&handle)
    if state != .finished, let temporaryPath { unlink(temporaryPath) }
    if state == .open { state = .failed }
  }

  private func closedError() -> VideoIOError {
    VideoIOError(
      .invalidArgument, path: destination, operation: "write",
      reason: "the output is already closed")
  }

  /// `.name.<random>.part` beside the destination, after checking the folder is writable.
  static func temporaryName(for destination: String) throws(VideoIOError) -> String {
    let url = URL(fileURLWithPath: destination)
    let folder = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw VideoIOError(
        .notFound, path: destination, operation: "create the output",
        reason: "no such folder: \(folder)")
    }
    guard FileManager.default.isWritableFile(atPath: folder) else {
      throw VideoIOError(
        .io, path: destination, operation: "create the output", reason: "the folder is not writable"
      )
    }
    let tag = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    return url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).\(tag).part"
    ).path
  }

  private static func openError(_ code: Int32, destination: String, settings: OutputSettings)
    -> VideoIOError
  {
    switch code {
    case CV_ERR_ENCODER_NOT_FOUND:
      return VideoIOError(
        .unsupportedCodec, path: destination, operation: "create the output",
        reason: "no encoder named '\(settings.codec)' in this FFmpeg", code: code)
    case CV_ERR_MUXER_NOT_FOUND:
      return VideoIOError(
        .unknownFormat, path: destination, operation: "create the output",
        reason: "unknown output format '\(settings.format ?? "")'", code: code)
    case CV_ERR_OPTION_NOT_FOUND:
      return VideoIOError(
        .invalidArgument, path: destination, operation: "create the output",
        reason: "an option is not understood by '\(settings.codec)' or the muxer", code: code)
    case -22 where settings.format == nil && cv_guess_muxer(destination) == nil:
      return VideoIOError(
        .unknownFormat, path: destination, operation: "create the output",
        reason: "cannot tell the container from the file name; give --format", code: code)
    case -22:
      return VideoIOError(
        .invalidArgument, path: destination, operation: "create the output",
        reason: "the container does not take '\(settings.codec)', or the settings are invalid",
        code: code)
    default:
      return VideoIOError(
        errorKind(of: code), path: destination, operation: "create the output",
        reason: ffmpegErrorText(code), code: code)
    }
  }
}
