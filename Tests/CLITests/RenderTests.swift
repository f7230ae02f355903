import Foundation
import Glibc
import TestSupport
import Testing

/// `camvideo IN OUT` (render), end to end with the real model: what comes out, against ffprobe.
@Suite("camvideo render", .serialized)
struct RenderTests {
  static func generated(_ name: String) -> URL {
    TestEnvironment.generated.appendingPathComponent(name)
  }

  /// The clips whose output must match the input frame for frame: VFR, rotation, odd size,
  /// audio first, one frame, portrait — from the generated media, and the same kinds from
  /// ../shared/media/derived when it is there.
  static let clips: [URL] = {
    let names = [
      "vfr_cockatoo.mp4", "vfr_cockatoo.mkv", "rotate_cw90.mp4", "odd_321x241_h264_yuv444p.mp4",
      "audio_first_stream.mkv", "one_frame.mp4", "one_frame.webm", "portrait_native_360x640.mp4",
      "friday_h264_aac.mp4",
    ]
    let shared = TestEnvironment.sharedMedia(derived: true).filter {
      [
        "vfr_cockatoo.mp4", "portrait_rotate270.mov", "upside_down_rotate180.mp4",
        "odd_321x241_vp9.webm", "audio_first_stream.mkv", "one_frame.webm",
      ].contains($0.lastPathComponent)
    }
    return names.map(generated) + shared
  }()

  struct VideoFacts: Equatable, CustomStringConvertible {
    var frames: Int
    var width: Int
    var height: Int
    var fps: String
    var duration: Double
    var description: String { "\(frames) frames \(width)x\(height) @\(fps) \(duration) s" }
  }

  /// What ffprobe says of the first video stream: frames decoded, displayed size, rate,
  /// duration (last frame's end).
  static func facts(_ url: URL) -> VideoFacts? {
    guard let probe = TestEnvironment.ffprobe(url, countFrames: true),
      let streams = probe["streams"] as? [[String: Any]],
      let video = streams.first(where: { $0["codec_type"] as? String == "video" })
    else { return nil }
    var width = video["width"] as? Int ?? 0
    var height = video["height"] as? Int ?? 0
    let sideData = video["side_data_list"] as? [[String: Any]] ?? []
    let rotation = sideData.compactMap { $0["rotation"] as? Int }.first ?? 0
    if abs(rotation) % 180 == 90 { swap(&width, &height) }
    let times = TestEnvironment.ffprobeFrameTimes(url)
    return VideoFacts(
      frames: Int(video["nb_read_frames"] as? String ?? "") ?? -1, width: width, height: height,
      fps: video["r_frame_rate"] as? String ?? "", duration: (times.last ?? 0) - (times.first ?? 0))
  }

  static func camvideo(_ args: [String]) -> TestEnvironment.RunResult {
    TestEnvironment.run([TestEnvironment.binary.path] + args)
  }

  @Test("frame count, rate, duration and displayed size are the input's", arguments: clips)
  func sameFacts(_ input: URL) throws {
    let out = TestEnvironment.temporaryFolder().appendingPathComponent("out.mp4")
    let r = Self.camvideo([input.path, out.path, "--class", "auto", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let a = try #require(Self.facts(input))
    let b = try #require(Self.facts(out))
    #expect(a.frames == b.frames, "\(a) → \(b)")
    #expect(abs(a.width - b.width) <= 1 && abs(a.height - b.height) <= 1, "\(a) → \(b)")
    #expect(abs(a.duration - b.duration) < 0.002, "\(a) → \(b)")
    // The nominal rate, where there is one (VFR keeps every pts instead: the duration above and
    // the pipeline's pts tests).
    if a.frames > 1 && !input.lastPathComponent.hasPrefix("vfr") {
      #expect(a.fps == b.fps, "\(a) → \(b)")
    }
    // The output plays without a warning.
    let check = TestEnvironment.run(["ffmpeg", "-v", "warning", "-i", out.path, "-f", "null", "-"])
    #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)")
  }

  @Test(
    "damaged inputs give the frames up to the damage and a warning",
    arguments: ["corrupt_midstream.mp4", "truncated_faststart.mp4", "truncated_half.webm"])
  func damaged(_ name: String) throws {
    let input = Self.generated(name)
    let out = TestEnvironment.temporaryFolder().appendingPathComponent("out.mkv")
    let r = Self.camvideo([input.path, out.path, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.hasPrefix("camvideo: \(input.path): "), "no warning: \(r.stderr)")
    let expected = TestEnvironment.generatedFiles.first { $0.url == input }?.frames ?? -1
    #expect(Self.facts(out)?.frames == expected)
  }

  @Test(
    "an unopenable input is one line naming it, exit 1, and no output",
    arguments: ["empty.mp4", "truncated_no_moov.mp4", "not_a_video.mp4", "unknown_codec.avi"])
  func unopenable(_ name: String) throws {
    let folder = TestEnvironment.temporaryFolder()
    let input = Self.generated(name)
    let r = Self.camvideo([input.path, folder.appendingPathComponent("out.mp4").path])
    #expect(r.status == 1)
    let lines = r.stderr.split(whereSeparator: \.isNewline)
    #expect(lines.count == 1 && r.stderr.contains(input.path), "\(r.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
  }

  @Test("the cockatoo: class 89 dominates, and the stable target switches far less than top-1")
  func cockatoo() throws {
    let folder = TestEnvironment.temporaryFolder()
    func targets(_ extra: [String]) throws -> [Int] {
      let json = folder.appendingPathComponent("f\(extra.count).jsonl")
      let r = Self.camvideo(
        [
          TestEnvironment.examples.appendingPathComponent("cockatoo.mp4").path,
          folder.appendingPathComponent("o\(extra.count).mp4").path, "--frames-json", json.path,
          "--quiet",
        ] + extra)
      #expect(r.status == 0, "\(r.stderr)")
      let lines = try String(contentsOf: json, encoding: .utf8).split(separator: "\n")
      return try lines.map { line in
        let doc = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return (doc?["target"] as? [String: Any])?["id"] as? Int ?? -1
      }
    }
    let stable = try targets([])
    let raw = try targets(["--no-stable-class"])
    #expect(stable.count == 280 && raw.count == 280)
    func switches(_ t: [Int]) -> Int { zip(t, t.dropFirst()).filter { $0 != $1 }.count }
    let counts = Dictionary(stable.map { ($0, 1) }, uniquingKeysWith: +)
    let dominant = counts.max { $0.value < $1.value }?.key
    #expect(dominant == 89, "target counts \(counts)")
    print(
      "cockatoo.mp4: target switches \(switches(stable)) stable, \(switches(raw)) per-frame top-1")
    #expect(switches(stable) * 5 < switches(raw))
  }

  @Test("both.png as a 1-second clip with --class 281: the heat lies on the cat (lower half)")
  func catClip() throws {
    let folder = TestEnvironment.temporaryFolder()
    let clip = folder.appendingPathComponent("both.mp4")
    let make = TestEnvironment.run([
      "ffmpeg", "-v", "error", "-loop", "1", "-i",
      TestEnvironment.examples.appendingPathComponent("both.png").path, "-t", "1", "-r", "25",
      "-pix_fmt", "yuv444p", "-c:v", "libx264", "-crf", "10", clip.path,
    ])
    try #require(make.status == 0, "\(make.stderr)")
    for (cls, lower) in [(281, true), (243, false)] {
      let json = folder.appendingPathComponent("\(cls).jsonl")
      let r = Self.camvideo([
        clip.path, folder.appendingPathComponent("\(cls).mp4").path, "--class", "\(cls)",
        "--frames-json", json.path, "--quiet",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      let lines = try String(contentsOf: json, encoding: .utf8).split(separator: "\n")
      #expect(lines.count == 25)
      for line in lines {
        let doc = try #require(
          try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((doc["target"] as? [String: Any])?["id"] as? Int == cls)
        let peak = try #require(doc["peak"] as? [String: Any])
        let y = try #require(peak["y"] as? Int)
        #expect(lower ? y > 112 : y < 112, "class \(cls): peak at row \(y) of 224")
      }
    }
  }

  @Test("SIGINT mid-run keeps a playable file under the final name and says it is partial")
  func interrupt() throws {
    let folder = TestEnvironment.temporaryFolder()
    let out = folder.appendingPathComponent("out.mp4")
    let process = Process()
    process.executableURL = TestEnvironment.binary
    process.arguments = [
      TestEnvironment.examples.appendingPathComponent("cockatoo.mp4").path, out.path, "--quiet",
    ]
    let err = Pipe()
    process.standardError = err
    try process.run()
    // Wait for the temporary output to grow, then interrupt.
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      let parts = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
      if let part = parts.first(where: { $0.hasSuffix(".part") }),
        let size = try? FileManager.default.attributesOfItem(
          atPath: folder.appendingPathComponent(part).path)[.size] as? Int, size > 50_000
      {
        break
      }
      usleep(100_000)
    }
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0, "\(stderr)")
    #expect(stderr.contains("partial"), "\(stderr)")
    let facts = try #require(Self.facts(out))
    #expect(facts.frames > 0 && facts.frames < 280)
    let check = TestEnvironment.run(["ffmpeg", "-v", "warning", "-i", out.path, "-f", "null", "-"])
    #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)")
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(left == ["out.mp4"], "\(left)")
  }
}
