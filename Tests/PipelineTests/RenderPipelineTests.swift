import Foundation
import Synchronization
import TestSupport
import Testing
import VideoIO

@testable import Pipeline

/// A stand-in for the model.
///
/// The map is the picture's red channel, the classes are fixed, so the
/// tests see the plumbing (frames, timestamps, audio, side outputs, errors, stop) alone. The
/// real model runs through the same pipeline in the CLI tests.
final class RedChannelExplainer: FrameExplaining, @unchecked Sendable {
  let inputWidth = 32
  let inputHeight = 24
  let probabilities: [Float] = [0.1, 0.6, 0.3]
  /// Throw on the call that sees this frame number (counting from 0), if set.
  var failAtFrame: Int?
  let seen = Mutex(0)

  func explain(_ pictures: [RGBImage], choose: ([Float]) -> Int) throws -> [FrameExplanation] {
    try pictures.map { picture in
      let n = seen.withLock { n in
        defer { n += 1 }
        return n
      }
      if let failAtFrame, n == failAtFrame {
        throw PipelineError.output(path: "model", reason: "boom")
      }
      #expect(picture.width == inputWidth && picture.height == inputHeight)
      let red = stride(from: 0, to: picture.pixels.count, by: 3).map { Float(picture.pixels[$0]) }
      let peak = max(red.max() ?? 1, 1)
      let c = choose(probabilities)
      let p = Prediction(id: c, label: "class \(c)", prob: probabilities[c])
      return FrameExplanation(
        target: p, top: [p], map: red.map { $0 / peak }, raw: red, rawWidth: inputWidth,
        rawHeight: inputHeight, rawMax: peak)
    }
  }

  func upsample(_ e: FrameExplanation, low: Float, high: Float) -> [Float] {
    e.raw.map { min(1, max(0, ($0 - low) / (high - low + 1e-7))) }
  }
}

@Suite("RenderPipeline", .serialized)
struct RenderPipelineTests {
  static let labels = Labels(["class 0", "class 1", "class 2"])

  func media(_ name: String) -> URL { TestEnvironment.generated.appendingPathComponent(name) }

  func render(
    _ input: URL, to name: String = "out.mp4",
    explainer: RedChannelExplainer = RedChannelExplainer(),
    configure: (inout RenderOptions) -> Void = { _ in }
  ) throws -> (URL, RenderSummary) {
    let out = TestEnvironment.temporaryFolder().appendingPathComponent(name)
    var options = RenderOptions(input: input.path, output: out.path, batch: 3)
    configure(&options)
    let summary = try RenderPipeline(options: options, explainer: explainer, labels: Self.labels)
      .run()
    return (out, summary)
  }

  func videoStream(_ url: URL) -> [String: Any]? {
    let streams = TestEnvironment.ffprobe(url, countFrames: true)?["streams"] as? [[String: Any]]
    return streams?.first { $0["codec_type"] as? String == "video" }
  }

  @Test(
    "every frame comes out with its pts and the input's displayed size",
    arguments: [
      "cockatoo_h264.mp4", "vfr_cockatoo.mkv", "rotate_cw90.mp4", "odd_321x241_h264_yuv444p.mp4",
      "one_frame.mp4", "audio_first_stream.mkv",
    ])
  func framesAndTimes(_ name: String) throws {
    let input = media(name)
    let (out, summary) = try render(input, to: "out.mkv")
    let inTimes = TestEnvironment.ffprobeFrameTimes(input)
    let outTimes = TestEnvironment.ffprobeFrameTimes(out)
    #expect(summary.frames == inTimes.count)
    #expect(outTimes.count == inTimes.count)
    // A container may shift the whole file (AAC priming makes MP4 audio start at −1024
    // samples, and Matroska moves everything so it starts at 0, as the ffmpeg CLI does): the
    // offset is constant and small; every interval is kept.
    let offset = (outTimes.first ?? 0) - (inTimes.first ?? 0)
    #expect(abs(offset) < 0.05)
    for (a, b) in zip(inTimes, outTimes) {
      #expect(abs(a + offset - b) < 0.002, "pts \(a) became \(b)")
    }
    let reader = try VideoReader(input.path)
    let stream = try #require(videoStream(out))
    let width = stream["width"] as? Int ?? 0
    let height = stream["height"] as? Int ?? 0
    #expect(
      abs(width - reader.info.video.width) <= 1 && abs(height - reader.info.video.height) <= 1)
    #expect(summary.dominant.first?.prediction.id == 1)
    #expect(!summary.partial)
  }

  @Test("audio is carried over")
  func audio() throws {
    let (out, summary) = try render(media("friday_h264_aac.mp4"))
    let streams = TestEnvironment.ffprobe(out)?["streams"] as? [[String: Any]] ?? []
    #expect(streams.contains { $0["codec_type"] as? String == "audio" })
    #expect(summary.audio != nil)
  }

  @Test("--frames-json: one valid line per frame, in order, with the CLI.md fields")
  func framesJSON() throws {
    let folder = TestEnvironment.temporaryFolder()
    let json = folder.appendingPathComponent("frames.jsonl")
    let input = media("cockatoo_h264.mp4")
    let (_, summary) = try render(input) { $0.framesJSON = json.path }
    let lines = try String(contentsOf: json, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == summary.frames)
    let times = TestEnvironment.ffprobeFrameTimes(input)
    for (i, line) in lines.enumerated() {
      let doc = try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      #expect(doc["index"] as? Int == i)
      #expect(abs((doc["pts_s"] as? Double ?? -1) - times[i]) < 0.002)
      let target = try #require(doc["target"] as? [String: Any])
      #expect(target["id"] as? Int == 1 && target["label"] as? String == "class 1")
      let peak = try #require(doc["peak"] as? [String: Any])
      let box = try #require(doc["box"] as? [String: Any])
      let (px, py) = (peak["x"] as? Int ?? -1, peak["y"] as? Int ?? -1)
      let (bx, by) = (box["x"] as? Int ?? -1, box["y"] as? Int ?? -1)
      let (bw, bh) = (box["w"] as? Int ?? 0, box["h"] as? Int ?? 0)
      // The peak is hot, so it lies in the box of the hot part; all inside the 640×360 frame.
      #expect(px >= bx && px < bx + bw && py >= by && py < by + bh)
      #expect(bx >= 0 && by >= 0 && bx + bw <= 640 && by + bh <= 360)
      #expect(doc["camvideo_version"] as? String == CamvideoVersion.string)
      #expect((doc["map_max_raw"] as? Double ?? 0) > 0)
    }
  }

  @Test("--max-frames, --start and --duration choose the frames")
  func span() throws {
    let input = media("cockatoo_h264.mp4")  // 40 frames at 20 fps
    let (_, first) = try render(input) { $0.maxFrames = 7 }
    #expect(first.frames == 7)
    let (out, spanned) = try render(input) {
      $0.start = 0.5
      $0.duration = 0.5
    }
    #expect(spanned.frames == 10)
    let times = TestEnvironment.ffprobeFrameTimes(out)
    #expect(abs((times.first ?? 0) - 0.5) < 0.002)
  }

  @Test("side by side doubles the width")
  func sideBySide() throws {
    let (out, _) = try render(media("cockatoo_h264.mp4")) {
      $0.composer.sideBySide = true
      $0.maxFrames = 2
    }
    let stream = try #require(videoStream(out))
    #expect(stream["width"] as? Int == 2 * 640 && stream["height"] as? Int == 360)
  }

  @Test("--normalize clip: two passes, every frame, one scale")
  func clipNormalization() throws {
    let (out, summary) = try render(media("cockatoo_h264.mp4")) { $0.normalization = .clip }
    #expect(summary.frames == 40)
    #expect(TestEnvironment.ffprobeFrameTimes(out).count == 40)
  }

  @Test("--maps-out writes the maps as a video at model resolution")
  func mapsOut() throws {
    let folder = TestEnvironment.temporaryFolder()
    let maps = folder.appendingPathComponent("maps.mkv")
    _ = try render(media("cockatoo_h264.mp4")) {
      $0.mapsOutput = maps.path
      $0.maxFrames = 5
    }
    let stream = try #require(videoStream(maps))
    #expect(stream["width"] as? Int == 32 && stream["height"] as? Int == 24)
    #expect(stream["nb_read_frames"] as? String == "5")
  }

  @Test("a model error stops every stage, is thrown once, and leaves no output")
  func failure() throws {
    let explainer = RedChannelExplainer()
    explainer.failAtFrame = 8
    let folder = TestEnvironment.temporaryFolder()
    let out = folder.appendingPathComponent("out.mp4")
    let options = RenderOptions(
      input: media("cockatoo_h264.mp4").path, output: out.path,
      framesJSON: folder.appendingPathComponent("f.jsonl").path)
    #expect(throws: PipelineError.self) {
      try RenderPipeline(options: options, explainer: explainer, labels: Self.labels).run()
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(left.isEmpty, "left behind: \(left)")
  }

  @Test("stop() mid-run finishes the frames in flight and leaves a playable, partial file")
  func stop() throws {
    let out = TestEnvironment.temporaryFolder().appendingPathComponent("out.mp4")
    let options = RenderOptions(
      input: media("friday_h264_aac.mp4").path, output: out.path, batch: 2)
    let pipeline = RenderPipeline(
      options: options, explainer: RedChannelExplainer(), labels: Self.labels)
    pipeline.progress = { [weak pipeline] p in if p.frames == 10 { pipeline?.stop() } }
    let summary = try pipeline.run()
    #expect(summary.partial)
    #expect(summary.frames >= 10 && summary.frames < 60)
    let stream = try #require(videoStream(out))
    #expect(Int(stream["nb_read_frames"] as? String ?? "") == summary.frames)
  }
}
