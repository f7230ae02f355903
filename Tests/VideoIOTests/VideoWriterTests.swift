import Foundation
import TestSupport
import Testing

@testable import VideoIO

@Suite("VideoWriter")
struct VideoWriterTests {
  /// A moving pattern: smooth gradients plus a square that moves with `t`.
  static func pattern(_ w: Int, _ h: Int, _ t: Int) -> RGBImage {
    var px = [UInt8](repeating: 0, count: w * h * 3)
    for y in 0..<h {
      for x in 0..<w {
        let i = (y * w + x) * 3
        px[i] = UInt8((x * 255) / max(1, w - 1))
        px[i + 1] = UInt8((y * 255) / max(1, h - 1))
        px[i + 2] = UInt8(128 + 100 * sin(Double(x + y + 4 * t) / 20))
        let sx = (t * 7) % max(1, w - 40)
        let sy = h / 3
        if x >= sx && x < sx + 40 && y >= sy && y < sy + 40 {
          px[i] = 250
          px[i + 1] = 250
          px[i + 2] = 30
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: px)
  }

  static func psnr(_ a: RGBImage, _ b: RGBImage, width: Int, height: Int) -> Double {
    var se = 0.0
    for y in 0..<height {
      for x in 0..<width {
        for c in 0..<3 {
          let d =
            Double(a.pixels[(y * a.width + x) * 3 + c])
            - Double(b.pixels[(y * b.width + x) * 3 + c])
          se += d * d
        }
      }
    }
    let mse = se / Double(width * height * 3)
    return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
  }

  /// The first `count` frames of a real clip, resized.
  static func realFrames(_ count: Int, width: Int, height: Int) throws -> [RGBImage] {
    let reader = try VideoReader(TestEnvironment.examples.appendingPathComponent("friday.mp4").path)
    let scaler = try ImageScaler()
    var out: [RGBImage] = []
    while out.count < count, let f = try reader.nextFrame() {
      out.append(try scaler.scale(f.image, width: width, height: height, filter: .area).image)
    }
    return out
  }

  /// Encodes `count` frames (a synthetic pattern, or `sources`) with the given pts, then decodes
  /// the result.
  static func roundTrip(
    name: String, width: Int, height: Int, pts: [Int64], timeBase: Rational,
    settings: OutputSettings = OutputSettings(),
    sources given: [RGBImage]? = nil
  ) throws -> (reader: VideoReader, frames: [VideoFrame], sources: [RGBImage], path: URL) {
    let dir = TestEnvironment.temporaryFolder()
    let path = dir.appendingPathComponent(name)
    let writer = try VideoWriter(
      path.path, width: width, height: height, timeBase: timeBase, frameRate: Rational(25, 1),
      settings: settings)
    var sources: [RGBImage] = []
    for (t, p) in pts.enumerated() {
      let img = given?[t] ?? pattern(width, height, t)
      sources.append(img)
      try writer.write(img, pts: p)
    }
    #expect(!FileManager.default.fileExists(atPath: path.path), "final name exists before finish()")
    try writer.finish()
    #expect(FileManager.default.fileExists(atPath: path.path))
    // Nothing but the final file is left in the folder.
    #expect((try FileManager.default.contentsOfDirectory(atPath: dir.path)) == [name])
    let reader = try VideoReader(path.path)
    var frames: [VideoFrame] = []
    while let f = try reader.nextFrame() { frames.append(f) }
    return (reader, frames, sources, path)
  }

  @Test(
    "H.264 round trip keeps count, size, timestamps; PSNR ≥ 35 dB",
    arguments: ["mp4", "mkv", "mov"])
  func roundTripH264(ext: String) throws {
    let pts = (0..<30).map { Int64($0 * 512) }  // 25 fps in 1/12800
    let r = try Self.roundTrip(
      name: "rt.\(ext)", width: 320, height: 240, pts: pts, timeBase: Rational(1, 12800),
      sources: try Self.realFrames(30, width: 320, height: 240))
    #expect(r.frames.count == 30)
    #expect(r.reader.info.video.codec == "h264")
    #expect(r.reader.info.video.pixelFormat == "yuv420p")
    for (i, f) in r.frames.enumerated() {
      #expect(f.image.width == 320 && f.image.height == 240)
      #expect(abs((f.seconds ?? -1) - Double(i) * 0.04) < 1e-3, "frame \(i) at \(f.seconds ?? -1)")
      let p = Self.psnr(f.image, r.sources[i], width: 320, height: 240)
      #expect(p >= 35, "frame \(i): PSNR \(p)")
    }
  }

  @Test(
    "other codecs by name",
    arguments: [("mpeg4", "avi"), ("libvpx-vp9", "webm"), ("mjpeg", "avi"), ("mpeg4", "mp4")])
  func otherCodecs(codec: String, ext: String) throws {
    let pts = (0..<10).map { Int64($0) }
    let r = try Self.roundTrip(
      name: "c.\(ext)", width: 160, height: 120, pts: pts, timeBase: Rational(1, 25),
      settings: OutputSettings(codec: codec, crf: codec == "libvpx-vp9" ? 30 : 23))
    #expect(r.frames.count == 10)
    #expect(r.reader.info.video.codec == (codec == "libvpx-vp9" ? "vp9" : codec))
    let p = Self.psnr(r.frames[5].image, r.sources[5], width: 160, height: 120)
    #expect(p >= 28, "PSNR \(p)")
  }

  @Test("VFR timestamps are kept")
  func vfrKept() throws {
    let pts: [Int64] = [0, 40, 80, 200, 240, 400, 410, 420, 800]  // ms, irregular
    let r = try Self.roundTrip(
      name: "vfr.mkv", width: 160, height: 120, pts: pts, timeBase: Rational(1, 1000))
    #expect(r.frames.map { $0.seconds ?? -1 } == pts.map { Double($0) / 1000 })
  }

  @Test("odd sizes are padded by one edge-replicated row and column for 4:2:0")
  func oddSize() throws {
    let r = try Self.roundTrip(
      name: "odd.mp4", width: 321, height: 241, pts: (0..<5).map { Int64($0) },
      timeBase: Rational(1, 25))
    let f = try #require(r.frames.first)
    #expect(f.image.width == 322 && f.image.height == 242)
    #expect(Self.psnr(f.image, r.sources[0], width: 321, height: 241) >= 35)
    // The extra column repeats the last one.
    for y in stride(from: 0, to: 240, by: 37) {
      let a = f.image[321, y]
      let b = f.image[320, y]
      #expect(abs(Int(a.0) - Int(b.0)) <= 12 && abs(Int(a.1) - Int(b.1)) <= 12)
    }
  }

  @Test("a failed or abandoned output leaves nothing under the final name")
  func temporaryFileRule() throws {
    let dir = TestEnvironment.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("out.mp4").path
    do {
      let writer = try VideoWriter(
        path, width: 64, height: 64, timeBase: Rational(1, 25), frameRate: Rational(25, 1))
      try writer.write(Self.pattern(64, 64, 0), pts: 0)
      // Released without finish(): abandoned.
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    // A pre-existing file under the final name survives a failed run untouched.
    try Data("old".utf8).write(to: URL(fileURLWithPath: path))
    do {
      let writer = try VideoWriter(
        path, width: 64, height: 64, timeBase: Rational(1, 25), frameRate: Rational(25, 1))
      try writer.write(Self.pattern(64, 64, 0), pts: 0)
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("old".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out.mp4"])
  }

  @Test("bad destinations fail clearly before anything is written")
  func badDestinations() throws {
    let tb = Rational(1, 25)
    let fr = Rational(25, 1)
    #expect(throws: VideoIOError.self) {
      try VideoWriter(
        "/nonexistent/dir/out.mp4", width: 64, height: 64, timeBase: tb, frameRate: fr)
    }
    do {
      _ = try VideoWriter(
        "/tmp/out.mp4", width: 64, height: 64, timeBase: tb, frameRate: fr,
        settings: OutputSettings(codec: "nosuchcodec"))
      Issue.record("unknown codec accepted")
    } catch { #expect(error.kind == .unsupportedCodec && error.reason.contains("nosuchcodec")) }
    do {
      _ = try VideoWriter("/tmp/out.unknownext", width: 64, height: 64, timeBase: tb, frameRate: fr)
      Issue.record("unknown container accepted")
    } catch { #expect(error.kind == .unknownFormat) }
    do {
      _ = try VideoWriter("-", width: 64, height: 64, timeBase: tb, frameRate: fr)
      Issue.record("stdout without a format accepted")
    } catch { #expect(error.reason.contains("--format")) }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix(".out.") }
        .isEmpty)
  }

  /// Copies `input` frame by frame (audio included) into `output`.
  static func transcode(_ input: URL, to output: URL, settings: OutputSettings = OutputSettings())
    throws -> VideoWriter
  {
    let reader = try VideoReader(input.path, options: InputOptions(includeAudio: true))
    let v = reader.info.video
    let writer = try VideoWriter(
      output.path, width: v.width, height: v.height, timeBase: v.timeBase,
      frameRate: v.effectiveFrameRate,
      settings: settings, audioFrom: reader)
    while let item = try reader.read() {
      switch item {
      case .video(let f):
        try writer.write(f.image, pts: f.pts ?? Int64(f.index), duration: f.duration)
      case .audio(let p): try writer.write(p)
      }
    }
    try writer.finish()
    return writer
  }

  @Test(
    "audio is copied when the container takes it, re-encoded when not",
    arguments: [
      ("mp4", "aac", true), ("mkv", "aac", true), ("mov", "aac", true), ("webm", "opus", false),
    ])
  func audio(ext: String, codec: String, copied: Bool) throws {
    let input = TestEnvironment.examples.appendingPathComponent("friday.mp4")
    let dir = TestEnvironment.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("a.\(ext)")
    let settings =
      ext == "webm"
      ? OutputSettings(
        codec: "libvpx-vp9", crf: 40, codecOptions: [("deadline", "realtime"), ("cpu-used", "8")])
      : OutputSettings()
    let writer = try Self.transcode(input, to: out, settings: settings)
    #expect(writer.audioMode == (copied ? .copied(codec: codec) : .transcoded(codec: "libopus")))
    let probe = try #require(TestEnvironment.ffprobe(out, countFrames: true))
    let streams = probe["streams"] as? [[String: Any]] ?? []
    let audio = try #require(streams.first { ($0["codec_type"] as? String) == "audio" })
    #expect(audio["codec_name"] as? String == codec)
    let video = try #require(streams.first { ($0["codec_type"] as? String) == "video" })
    #expect(video["nb_read_frames"] as? String == "185")
    // Audio lasts as long as the input's (6.15 s), within one packet.
    let format = probe["format"] as? [String: Any]
    let duration = Double(format?["duration"] as? String ?? "") ?? 0
    #expect(abs(duration - 6.17) < 0.1, "duration \(duration)")
    if copied {
      // Packet for packet: the same count as the input's AAC stream.
      #expect(audio["nb_read_frames"] as? String == "265")
    }
  }

  @Test("MP4 is written with the moov atom first (faststart)")
  func faststart() throws {
    let r = try Self.roundTrip(
      name: "fs.mp4", width: 64, height: 64, pts: (0..<5).map { Int64($0) },
      timeBase: Rational(1, 25))
    let data = try Data(contentsOf: r.path)
    let moov = data.range(of: Data("moov".utf8))?.lowerBound ?? Int.max
    let mdat = data.range(of: Data("mdat".utf8))?.lowerBound ?? -1
    #expect(moov < mdat)
  }
}

extension VideoWriterTests {
  @Test(
    "a pipe (as for '-') takes MPEG-TS and fragmented MP4",
    arguments: ["mpegts", "mp4", "matroska"])
  func pipeOutput(format: String) throws {
    let pipe = Pipe()
    let fd = pipe.fileHandleForWriting.fileDescriptor
    // Drain the read end while writing, as a consumer of standard output would.
    final class Sink: @unchecked Sendable { var data = Data() }
    let sink = Sink()
    let done = DispatchSemaphore(value: 0)
    let reader = pipe.fileHandleForReading
    DispatchQueue.global().async {
      sink.data = reader.readDataToEndOfFile()
      done.signal()
    }
    let writer = try VideoWriter(
      "pipe:\(fd)", width: 160, height: 120, timeBase: Rational(1, 25), frameRate: Rational(25, 1),
      settings: OutputSettings(format: format))
    for t in 0..<12 { try writer.write(Self.pattern(160, 120, t), pts: Int64(t)) }
    try writer.finish()
    try pipe.fileHandleForWriting.close()
    done.wait()
    #expect(sink.data.count > 1000)
    let dir = TestEnvironment.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent(
      "piped.\(format == "matroska" ? "mkv" : format == "mpegts" ? "ts" : "mp4")")
    try sink.data.write(to: file)
    let decoded = try VideoReader(file.path)
    var n = 0
    while try decoded.nextFrame() != nil { n += 1 }
    #expect(n == 12)
  }
}
