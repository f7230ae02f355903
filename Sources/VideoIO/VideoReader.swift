internal import CVideoShim
internal import Foundation

/// What a reader delivers, in the order the container holds it.
public enum MediaItem: Sendable {
  case video(VideoFrame)
  case audio(AudioPacket)
}

/// Decodes the best video stream of any libavformat input — a file, `-`, a URL or a device —
/// into upright RGB frames with exact timestamps; optionally passes the best audio stream's
/// packets through untouched.
///
/// End of stream is `nil`, never an error. Damage the decoder can skip is counted in `stats`
/// (see `DecodeStats.warning`), not thrown. Not thread-safe, except `interrupt()`.
public final class VideoReader: @unchecked Sendable {
  public let source: InputSource
  public let info: MediaInfo
  public let options: InputOptions
  private var handle: OpaquePointer?
  private var nextIndex = 0
  /// End of stream was reached.
  private var ended = false
  private let scaler: ImageScaler?
  /// Where the full frames' pixel arrays come from, when set: a consumer that recycles the
  /// frames it is done with into it spares the reader a fresh 2.7 MB array per 720p frame.
  public var pixelPool: PixelBufferPool?

  /// Opens `location` and its decoder.
  /// - Throws: `VideoIOError` naming the input and the cause (missing, empty, a directory, no
  ///   video stream, no decoder, unreachable...).
  public init(_ location: String, options: InputOptions = InputOptions()) throws(VideoIOError) {
    let source = InputSource(location, format: options.format)
    self.source = source
    self.options = options
    if source.isFile && source.format == nil { try VideoReader.checkFile(location) }

    var opts: OpaquePointer?
    try check(cv_options_create(&opts), "open", path: location)
    defer { cv_options_free(&opts) }
    let userSetWhitelist = options.options.contains { $0.key == "protocol_whitelist" }
    if let whitelist = source.protocolWhitelist, !userSetWhitelist {
      cv_options_set(opts, "protocol_whitelist", whitelist)
    }
    for (key, value) in options.options { cv_options_set(opts, key, value) }

    var handle: OpaquePointer?
    let timeoutMicros = options.timeout.map { Int64($0 * 1_000_000) } ?? 0
    let code = source.url.withCString { url in
      (source.format ?? "").withCString { format in
        var config = cv_input_config(
          url: url, format_name: source.format == nil ? nil : format, format_options: opts,
          decoder_threads: Int32(options.decoderThreads), io_timeout_us: timeoutMicros,
          want_audio: options.includeAudio ? 1 : 0)
        return cv_input_open(&handle, &config)
      }
    }
    guard code >= 0, let handle else {
      throw VideoReader.openError(code, location: location, source: source)
    }
    self.handle = handle
    do {
      var info = try VideoReader.readInfo(handle, location: location)
      if VideoReader.isImageFormat(info.format) {
        // Photos carry their orientation (EXIF) per frame, not per stream: look at the frame.
        var desc = cv_frame_desc()
        if cv_input_peek(handle) == 1, cv_input_frame_desc(handle, &desc) >= 0 {
          info.video.rotation = Int(desc.rotation)
          info.video.mirrored = desc.hflip != 0
          info.video.width = Int(desc.width)
          info.video.height = Int(desc.height)
        }
      }
      self.info = info
      scaler = options.scaled == nil ? nil : try ImageScaler()
    } catch {
      var h: OpaquePointer? = handle
      cv_input_close(&h)
      throw error
    }
  }

  deinit { cv_input_close(&handle) }

  /// The next video frame or audio packet; nil at end of stream.
  public func read() throws(VideoIOError) -> MediaItem? {
    let status = cv_input_read(handle)
    switch status {
    case Int32(CV_READ_VIDEO): return .video(try currentFrame())
    case Int32(CV_READ_AUDIO):
      var packet: OpaquePointer?
      try check(cv_input_take_audio(handle, &packet), "read audio", path: source.location)
      guard let packet else { return nil }
      return .audio(AudioPacket(handle: packet))
    case 0:
      ended = true
      return nil
    default:
      try check(status, "read", path: source.location)
      return nil
    }
  }

  /// The next video frame, skipping audio; nil at end of stream.
  public func nextFrame() throws(VideoIOError) -> VideoFrame? {
    while let item = try read() {
      if case .video(let frame) = item { return frame }
    }
    return nil
  }

  /// Decodes the rest of the input without converting pictures; returns how many frames.
  public func countRemainingFrames() throws(VideoIOError) -> Int {
    var count = 0
    while true {
      let status = cv_input_read(handle)
      if status == Int32(CV_READ_VIDEO) {
        count += 1
        nextIndex += 1
      } else if status == 0 {
        ended = true
        return count
      } else if status < 0 {
        try check(status, "read", path: source.location)
      }
    }
  }

  /// Makes a blocked or future `read()` end the stream as soon as possible.
  ///
  /// Thread-safe.
  public func interrupt() { cv_input_interrupt(handle) }

  /// Damage and progress so far.
  public var stats: DecodeStats {
    var s = cv_input_stats()
    cv_input_stats_get(handle, &s)
    var out = DecodeStats()
    out.packetsRead = Int(s.packets_read)
    out.videoPackets = Int(s.video_packets)
    out.framesDecoded = Int(s.frames_decoded)
    out.decodeErrors = Int(s.decode_errors)
    out.corruptFrames = Int(s.corrupt_frames)
    out.readErrors = Int(s.read_errors)
    out.lastError = s.last_error == 0 ? nil : ffmpegErrorText(s.last_error)
    out.corruptPackets = Int(s.corrupt_packets)
    out.loggedErrors = Int(s.logged_errors)
    let message = cString(&s.first_message)
    out.firstMessage = message.isEmpty ? nil : message
    if ended { out.framesInContainer = info.video.framesInContainer }
    out.timedOut = s.timed_out != 0
    out.interrupted = s.interrupted != 0
    return out
  }

  // MARK: - Internals

  /// The handle, for an output that carries this input's audio.
  var cHandle: OpaquePointer? { handle }

  private func currentFrame() throws(VideoIOError) -> VideoFrame {
    var desc = cv_frame_desc()
    try check(cv_input_frame_desc(handle, &desc), "decode", path: source.location)
    let width = Int(desc.width)
    let height = Int(desc.height)
    // The converter writes every byte: no need to zero a full frame first (hot path), and a
    // pooled array from an earlier frame serves as well as a new one.
    let count = width * height * 3
    var pixels = pixelPool?.take(count: count) ?? PixelBufferPool.unspecified(count: count)
    let code = pixels.withUnsafeMutableBufferPointer { buffer in
      cv_input_frame_rgb(handle, buffer.baseAddress, Int32(width * 3))
    }
    try check(code, "convert a frame to RGB", path: source.location)
    let image = RGBImage(width: width, height: height, pixels: pixels)
    var scaled: ScaledImage?
    if let want = options.scaled, let scaler {
      scaled = try scaler.scale(
        image, width: want.width, height: want.height, fit: want.fit, filter: want.filter)
    }
    defer { nextIndex += 1 }
    return VideoFrame(
      index: nextIndex, pts: desc.pts == Int64.min ? nil : desc.pts, timeBase: info.video.timeBase,
      duration: desc.duration, isKeyFrame: desc.key_frame != 0, isCorrupt: desc.corrupt != 0,
      image: image, scaled: scaled)
  }

  static func isImageFormat(_ name: String) -> Bool {
    name == "image2" || name.hasSuffix("_pipe") || name == "webp" || name == "apng"
  }

  /// Clear reasons for the commonest file problems, before FFmpeg gives a vaguer one.
  private static func checkFile(_ path: String) throws(VideoIOError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw VideoIOError(.notFound, path: path, operation: "open", reason: "no such file")
    }
    if isDirectory.boolValue {
      throw VideoIOError(
        .notAFile, path: path, operation: "open", reason: "it is a directory, not a video")
    }
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw VideoIOError(.io, path: path, operation: "open", reason: "permission denied")
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    if size == 0 {
      throw VideoIOError(.invalidData, path: path, operation: "open", reason: "the file is empty")
    }
  }

  private static func openError(_ code: Int32, location: String, source: InputSource)
    -> VideoIOError
  {
    switch code {
    case CV_ERR_STREAM_NOT_FOUND:
      return VideoIOError(
        .noVideoStream, path: location, operation: "open", reason: "it has no video stream",
        code: code)
    case CV_ERR_DECODER_NOT_FOUND:
      return VideoIOError(
        .unsupportedCodec, path: location, operation: "open",
        reason: "its video codec is not supported by this FFmpeg", code: code)
    case CV_ERR_DEMUXER_NOT_FOUND:
      return VideoIOError(
        .unknownFormat, path: location, operation: "open",
        reason: "unknown input format '\(source.format ?? "")'", code: code)
    case CV_ERR_INVALIDDATA:
      return VideoIOError(
        .invalidData, path: location, operation: "open",
        reason: "not a video FFmpeg can read (unrecognised or damaged data)", code: code)
    default:
      let text = ffmpegErrorText(code)
      return VideoIOError(
        errorKind(of: code), path: location, operation: "open", reason: text, code: code)
    }
  }

  private static func readInfo(_ h: OpaquePointer, location: String) throws(VideoIOError)
    -> MediaInfo
  {
    var f = cv_format_info()
    try check(cv_input_format_info(h, &f), "probe", path: location)
    var streams: [StreamInfo] = []
    var audio: [AudioStreamInfo] = []
    var best = cv_audio_info()
    let hasBest = cv_input_audio_info(h, &best) == 1
    for i in 0..<Int(f.nb_streams) {
      var s = cv_stream_info()
      guard cv_input_stream_info(h, Int32(i), &s) >= 0 else { continue }
      streams.append(
        StreamInfo(
          index: i, kind: cString(&s.kind), codec: cString(&s.codec), frames: Int(s.nb_frames),
          duration: s.duration_s < 0 ? nil : s.duration_s,
          timeBase: Rational(Int(s.tb_num), Int(s.tb_den)),
          isAttachedPicture: s.attached_pic != 0))
      var a = cv_audio_info()
      if cv_input_audio_info_at(h, Int32(i), &a) >= 0 {
        let info = AudioStreamInfo(
          streamIndex: i, codec: cString(&a.codec), sampleRate: Int(a.sample_rate),
          channels: Int(a.channels),
          layout: cString(&a.layout), bitRate: Int(a.bit_rate),
          duration: a.duration_s < 0 ? nil : a.duration_s)
        if hasBest && best.stream_index == Int32(i) {
          audio.insert(info, at: 0)
        } else {
          audio.append(info)
        }
      }
    }
    var v = cv_video_info()
    try check(cv_input_video_info(h, &v), "probe", path: location)
    let video = VideoStreamInfo(
      streamIndex: Int(v.stream_index), codec: cString(&v.codec),
      codecLongName: cString(&v.codec_long),
      profile: cString(&v.profile), pixelFormat: cString(&v.pix_fmt), storedWidth: Int(v.width),
      storedHeight: Int(v.height), codedWidth: Int(v.coded_width), codedHeight: Int(v.coded_height),
      width: Int(v.display_width), height: Int(v.display_height), rotation: Int(v.rotation),
      mirrored: v.hflip != 0, sampleAspectRatio: Rational(Int(v.sar_num), Int(v.sar_den)),
      frameRate: Rational(Int(v.fps_num), Int(v.fps_den)),
      averageFrameRate: Rational(Int(v.avg_fps_num), Int(v.avg_fps_den)),
      timeBase: Rational(Int(v.tb_num), Int(v.tb_den)), framesInContainer: Int(v.nb_frames),
      startPTS: v.start_pts == Int64.min ? nil : v.start_pts,
      duration: v.duration_s < 0 ? nil : v.duration_s,
      bitRate: Int(v.bit_rate), bitsPerRawSample: Int(v.bits_per_raw_sample))
    return MediaInfo(
      format: cString(&f.name), formatLongName: cString(&f.long_name),
      duration: f.duration_s < 0 ? nil : f.duration_s,
      startTime: f.start_time_s < 0 ? nil : f.start_time_s,
      bitRate: Int(f.bit_rate), streams: streams, video: video, audio: audio)
  }
}

/// A Swift string from a fixed-size C char array (a tuple in Swift).
func cString<T>(_ tuple: inout T) -> String {
  withUnsafeBytes(of: &tuple) { raw in
    let bytes = raw.prefix { $0 != 0 }
    return String(decoding: bytes, as: UTF8.self)
  }
}
