import Foundation
import TestSupport
import Testing

@testable import VideoIO

/// Every real, odd and damaged file decodes as FFmpeg's own tools decode it.
@Suite("VideoReader")
struct VideoReaderTests {
  /// Good and damaged files: generated ones (manifest), committed examples, and ../shared.
  static let decodable: [URL] = {
    let generated = TestEnvironment.generatedFiles.filter {
      $0.kind == "good" || $0.kind == "damaged"
    }.map(\.url)
    let examples = ["cockatoo.mp4", "friday.mp4", "big_buck_bunny_432_433.webm"].map {
      TestEnvironment.examples.appendingPathComponent($0)
    }
    let shared =
      (TestEnvironment.sharedMedia(derived: false) + TestEnvironment.sharedMedia(derived: true))
      .filter { !unopenableShared.contains($0.lastPathComponent) && !isPhoto($0) }
    return generated + examples + shared
  }()

  static let unopenableShared: Set<String> = ["empty.mp4", "truncated_no_moov.mp4"]

  static func isPhoto(_ url: URL) -> Bool {
    ["png", "jpg", "jpeg", "jfif", "bmp", "webp"].contains(url.pathExtension.lowercased())
  }

  /// Reads every frame; returns the frames' (width, height, seconds) and the reader.
  static func decodeAll(_ url: URL, options: InputOptions = InputOptions()) throws -> (
    frames: [(Int, Int, Double?)], reader: VideoReader
  ) {
    let reader = try VideoReader(url.path, options: options)
    var frames: [(Int, Int, Double?)] = []
    while let frame = try reader.nextFrame() {
      #expect(frame.index == frames.count)
      frames.append((frame.image.width, frame.image.height, frame.seconds))
    }
    return (frames, reader)
  }

  @Test("decodes exactly as many frames as ffprobe -count_frames", arguments: decodable)
  func frameCount(_ url: URL) throws {
    let probe = try #require(TestEnvironment.ffprobe(url, countFrames: true))
    let streams = probe["streams"] as? [[String: Any]] ?? []
    let video = try #require(streams.first { ($0["codec_type"] as? String) == "video" })
    let expected = Int(video["nb_read_frames"] as? String ?? "") ?? -1
    let (frames, reader) = try Self.decodeAll(url)
    #expect(frames.count == expected, "\(url.lastPathComponent)")
    #expect(frames.count > 0)
    // Every frame has the displayed size.
    for f in frames { #expect(f.0 == reader.info.video.width && f.1 == reader.info.video.height) }
  }

  @Test("damaged files decode up to the damage and say so")
  func damage() throws {
    let damaged =
      TestEnvironment.generatedFiles.filter { $0.kind == "damaged" }
      + [
        "corrupt_midstream.mp4", "truncated_faststart.mp4", "truncated_half.webm",
        "truncated_mjpeg.avi",
      ]
      .compactMap { name in
        TestEnvironment.shared.map {
          TestEnvironment.GeneratedFile(
            url: $0.appendingPathComponent("media/derived/\(name)"), kind: "damaged")
        }
      }
    #expect(!damaged.isEmpty)
    for file in damaged {
      let (frames, reader) = try Self.decodeAll(file.url)
      #expect(frames.count > 0, "\(file)")
      let warning = reader.stats.warning
      // A cut that falls exactly between packets is not detectable as damage by the demuxer
      // alone; then the frame count must at least fall short of the container's claim.
      let claimed = reader.info.video.framesInContainer
      #expect(
        warning != nil || (claimed > 0 && frames.count < claimed) || claimed == 0,
        "\(file): no warning")
    }
  }

  @Test("unopenable inputs fail with a clear error naming the file")
  func unopenable() throws {
    var cases: [(String, VideoIOError.Kind?)] = [
      ("/nonexistent/clip.mp4", .notFound),
      (TestEnvironment.examples.path, .notAFile),
    ]
    for f in TestEnvironment.generatedFiles where f.kind == "unopenable" {
      cases.append((f.url.path, nil))
    }
    if let shared = TestEnvironment.shared {
      for name in Self.unopenableShared {
        cases.append((shared.appendingPathComponent("media/derived/\(name)").path, nil))
      }
    }
    #expect(cases.count >= 5)
    for (path, kind) in cases {
      do {
        _ = try VideoReader(path)
        Issue.record("\(path) opened")
      } catch {
        #expect(error.path == path)
        #expect(error.description.hasPrefix(path + ": cannot open: "))
        #expect(!error.description.contains("\n"))
        if let kind { #expect(error.kind == kind) }
      }
    }
  }

  @Test("an empty file and an audio-only file get specific reasons")
  func specificReasons() throws {
    let empty = TestEnvironment.generated.appendingPathComponent("empty.mp4")
    #expect(throws: VideoIOError.self) { try VideoReader(empty.path) }
    do { _ = try VideoReader(empty.path) } catch { #expect(error.reason == "the file is empty") }
    if let audioOnly = TestEnvironment.generatedFiles.first(where: { $0.url.pathExtension == "m4a" }
    ) {
      do {
        _ = try VideoReader(audioOnly.url.path)
        Issue.record("audio-only file opened")
      } catch { #expect(error.kind == .noVideoStream) }
    }
  }

  /// Pixels of our first frames against the ffmpeg CLI's (which autorotates) for the same file.
  static let pixelCases: [URL] = {
    let names = TestEnvironment.generatedFiles.map(\.url).filter {
      let n = $0.lastPathComponent
      return n.contains("rot") || n.contains("odd") || n.contains("10bit") || n.contains("mjpeg")
        || n.contains("portrait")
    }
    return names + [TestEnvironment.examples.appendingPathComponent("cockatoo.mp4")]
  }()

  @Test(
    "frames equal the ffmpeg CLI's RGB (rotation, odd sizes, 10-bit, full range)",
    arguments: pixelCases)
  func pixelsMatchFFmpeg(_ url: URL) throws {
    let count = 3
    let reference = TestEnvironment.ffmpegRGBFrames(url, maxFrames: count)
    let reader = try VideoReader(url.path)
    let w = reader.info.video.width
    let h = reader.info.video.height
    #expect(
      reference.count == count * w * h * 3
        || reference.count == reader.info.video.framesInContainer * w * h * 3,
      "ffmpeg gave \(reference.count) bytes for \(w)x\(h)")
    var offset = 0
    var n = 0
    while n < count, offset + w * h * 3 <= reference.count, let frame = try reader.nextFrame() {
      let ours = frame.image.pixels
      var maxDiff = 0
      var sum = 0
      reference.withUnsafeBytes { ref in
        for i in 0..<ours.count {
          let d = abs(Int(ours[i]) - Int(ref[offset + i]))
          sum += d
          if d > maxDiff { maxDiff = d }
        }
      }
      let mean = Double(sum) / Double(ours.count)
      #expect(mean < 0.5, "\(url.lastPathComponent) frame \(n): mean |Δ| \(mean)")
      #expect(maxDiff <= 8, "\(url.lastPathComponent) frame \(n): max |Δ| \(maxDiff)")
      offset += w * h * 3
      n += 1
    }
    #expect(n > 0)
  }

  @Test("rotation metadata turns frames upright and swaps the displayed size")
  func rotation() throws {
    let rotated = TestEnvironment.generatedFiles.filter {
      $0.url.lastPathComponent.contains("rotate")
    }
    #expect(rotated.count >= 3)
    for file in rotated {
      let reader = try VideoReader(file.url.path)
      let v = reader.info.video
      #expect(v.rotation != 0, "\(file)")
      if v.rotation == 90 || v.rotation == 270 {
        #expect(v.width == v.storedHeight && v.height == v.storedWidth)
      } else {
        #expect(v.width == v.storedWidth && v.height == v.storedHeight)
      }
      let frame = try #require(try reader.nextFrame())
      #expect(frame.image.width == v.width && frame.image.height == v.height)
    }
  }

  @Test("VFR timestamps pass through exactly as ffprobe reads them")
  func vfr() throws {
    var files = TestEnvironment.generatedFiles.filter { $0.url.lastPathComponent.contains("vfr") }
      .map(\.url)
    if let shared = TestEnvironment.shared {
      files += ["vfr_cockatoo.mkv", "vfr_cockatoo.mp4"].map {
        shared.appendingPathComponent("media/derived/\($0)")
      }
    }
    #expect(!files.isEmpty)
    for url in files {
      let expected = TestEnvironment.ffprobeFrameTimes(url)
      let (frames, _) = try Self.decodeAll(url)
      let ours = frames.map { $0.2 ?? -1 }
      #expect(ours.count == expected.count, "\(url.lastPathComponent)")
      for (a, b) in zip(ours, expected) {
        #expect(abs(a - b) < 1e-5, "\(url.lastPathComponent): \(a) vs \(b)")
      }
      // Really variable: more than one distinct frame duration.
      let gaps = Set(zip(ours.dropFirst(), ours).map { (($0 - $1) * 1000).rounded() })
      #expect(gaps.count > 1, "\(url.lastPathComponent) is not VFR")
    }
  }

  @Test("photos decode upright in RGB: EXIF orientation, 16-bit, gray, palette, RGBA")
  func photos() throws {
    let photos =
      TestEnvironment.generatedFiles.filter { $0.kind == "photo" }.map(\.url)
      + ["both.png", "chelsea.png", "coffee.png", "dog_cat.jfif"].map {
        TestEnvironment.examples.appendingPathComponent($0)
      }
    #expect(photos.count >= 8)
    for url in photos {
      let reader = try VideoReader(url.path)
      let frame = try #require(try reader.nextFrame(), "\(url.lastPathComponent)")
      #expect(
        frame.image.width == reader.info.video.width
          && frame.image.height == reader.info.video.height)
      #expect(try reader.nextFrame() == nil)
      let mean = frame.image.pixels.reduce(0) { $0 + Int($1) } / frame.image.pixels.count
      #expect(mean > 10 && mean < 245, "\(url.lastPathComponent) looks blank")
    }
  }

  @Test("EXIF orientation 6 is rotated 90° clockwise")
  func exifOrientation() throws {
    let url = try #require(
      TestEnvironment.generatedFiles.first { $0.url.lastPathComponent.contains("exif") }?.url)
    let reader = try VideoReader(url.path)
    let v = reader.info.video
    #expect(v.rotation == 90 && v.width == v.storedHeight && v.height == v.storedWidth)
    let ours = try #require(try reader.nextFrame()).image
    #expect(ours.width == 451 && ours.height == 300)  // chelsea.png is 451x300 landscape
    // The ffmpeg CLI turns the picture upright too (from the display matrix it derives from
    // EXIF): the same pixels, up to JPEG decoding.
    let upright = TestEnvironment.ffmpegRGBFrames(url, maxFrames: 1)
    #expect(upright.count == ours.pixels.count)
    let diff = zip(ours.pixels, upright).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
    #expect(Double(diff) / Double(ours.pixels.count) < 2.0)
  }

  @Test("audio packets are delivered with the frames when asked")
  func audioPackets() throws {
    let url = TestEnvironment.examples.appendingPathComponent("friday.mp4")
    let reader = try VideoReader(url.path, options: InputOptions(includeAudio: true))
    var video = 0
    var audio = 0
    var lastAudio = -1.0
    while let item = try reader.read() {
      switch item {
      case .video: video += 1
      case .audio(let p):
        audio += 1
        #expect(p.seconds >= lastAudio)
        lastAudio = p.seconds
      }
    }
    #expect(video == 185)
    #expect(audio == 265)  // the AAC packets ffprobe counts
    #expect(reader.info.audio.first?.codec == "aac")
  }

  @Test("a scaled copy at model size rides along with each frame")
  func scaledCopy() throws {
    let url = TestEnvironment.examples.appendingPathComponent("friday.mp4")
    let reader = try VideoReader(
      url.path, options: InputOptions(scaled: ScaledOutput(width: 224, height: 224, fit: .crop)))
    let frame = try #require(try reader.nextFrame())
    let scaled = try #require(frame.scaled)
    #expect(scaled.image.width == 224 && scaled.image.height == 224)
    #expect(scaled.content == PixelRect(x: 80, y: 0, width: 480, height: 480))
  }

  @Test("a lavfi source opens through libavdevice")
  func lavfi() throws {
    let reader = try VideoReader(
      "testsrc2=size=320x240:rate=25:duration=1", options: InputOptions(format: "lavfi"))
    var n = 0
    while let f = try reader.nextFrame() {
      #expect(f.image.width == 320 && f.image.height == 240)
      #expect(abs((f.seconds ?? -1) - Double(n) / 25) < 1e-9)
      n += 1
    }
    #expect(n == 25)
  }

  @Test("a silent network source times out instead of hanging")
  func timeout() throws {
    let port = Int.random(in: 20000..<60000)
    do {
      _ = try VideoReader("udp://127.0.0.1:\(port)", options: InputOptions(timeout: 0.5))
      Issue.record("opened a silent source")
    } catch {
      #expect(error.kind == .timedOut)
    }
  }

  @Test("a local playlist cannot reach the network (protocol whitelist)", arguments: [false, true])
  func protocolWhitelist(userAllowsHTTP: Bool) throws {
    // A loopback listener that the playlist points at: a connection reaching it would show in
    // its backlog.
    let listener = try LoopbackListener()
    let dir = TestEnvironment.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let playlist = dir.appendingPathComponent("list.m3u8")
    try """
    #EXTM3U
    #EXT-X-TARGETDURATION:2
    #EXTINF:2.0,
    http://127.0.0.1:\(listener.port)/segment.ts
    #EXT-X-ENDLIST
    """.write(to: playlist, atomically: true, encoding: .utf8)
    // The control case: a user who explicitly allows http gets the connection.
    let options = InputOptions(
      options: userAllowsHTTP ? [("protocol_whitelist", "file,http,tcp")] : [], timeout: 2)
    _ = try? VideoReader(playlist.path, options: options)
    #expect(listener.hadConnection() == userAllowsHTTP)
  }
}
