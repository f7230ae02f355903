import Foundation
import TestSupport
import Testing

/// `camvideo probe` against `ffprobe`, on every file the project has.
///
/// The files: the committed examples, the media made at test time by
/// `scripts/make-test-media.sh` (good, damaged, unopenable, photos) and, when it is beside the
/// clone, `../shared/media` and `../shared/media/derived`. The facts and tolerances are those of
/// ../shared/CLI.md (`probe --json`).
@Suite("camvideo probe")
struct ProbeTests {
  // MARK: - the files

  /// `examples/media`: real clips and photos, all of which must probe.
  static let examples: [ProbeCase] = {
    let dir = TestEnvironment.examples
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { !$0.hasSuffix(".md") }.sorted().map {
      ProbeCase(
        url: dir.appendingPathComponent($0), group: "examples", expected: .matches(frames: nil))
    }
  }()

  /// The generated media, with the kind and frame count of `manifest.tsv`.
  static let generated: [ProbeCase] = TestEnvironment.generatedFiles.map {
    ProbeCase(
      url: $0.url, group: "generated",
      expected: $0.kind == "unopenable" ? .refused : .matches(frames: $0.frames))
  }

  /// The files of `../shared/media` and `../shared/media/derived` (none when ../shared is
  /// absent, which `TestEnvironment` announces loudly); what is expected is decided from ffprobe.
  static let shared: [ProbeCase] = {
    func files(derived: Bool) -> [URL] {
      TestEnvironment.sharedMedia(derived: derived).filter {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory)
          && !isDirectory.boolValue
      }
    }
    return files(derived: false).map {
      ProbeCase(url: $0, group: "shared", expected: .asFFprobeSays)
    }
      + files(derived: true).map {
        ProbeCase(url: $0, group: "shared/derived", expected: .asFFprobeSays)
      }
  }()

  /// Whether `../shared` is beside the clone; when it is not, says so loudly on stderr.
  static let sharedIsPresent: Bool = {
    _ = TestEnvironment.sharedMedia(derived: false)  // prints the notice when absent
    return TestEnvironment.shared != nil
  }()

  // MARK: - the file lists are what they should be (so the tests below cannot pass empty)

  @Test("examples/media holds the 7 committed samples")
  func examplesAreThere() {
    #expect(
      Self.examples.map(\.url.lastPathComponent) == [
        "big_buck_bunny_432_433.webm", "both.png", "chelsea.png", "cockatoo.mp4", "coffee.png",
        "dog_cat.jfif", "friday.mp4",
      ])
  }

  @Test("the generated media cover every kind, with frame counts")
  func generatedMediaAreThere() {
    let files = TestEnvironment.generatedFiles
    #expect(files.count >= 45)
    for kind in ["good", "damaged", "unopenable", "photo"] {
      #expect(files.contains { $0.kind == kind }, "no \(kind) file in manifest.tsv")
    }
    for file in files {
      #expect(FileManager.default.fileExists(atPath: file.url.path))
      if file.kind == "good" || file.kind == "damaged" {
        #expect((file.frames ?? 0) > 0, "\(file.url.lastPathComponent) has no frame count")
      } else {
        #expect(
          file.frames == nil, "\(file.url.lastPathComponent): a frame count for a \(file.kind)")
      }
    }
  }

  @Test(
    "../shared/media is complete when present",
    .enabled(if: sharedIsPresent, "../shared is absent: SKIPPED"))
  func sharedMediaAreThere() {
    // 20 real clips and photos, 38 files derived from them (../shared/media/SOURCES.md)
    #expect(Self.shared.filter { $0.group == "shared" }.count >= 20)
    #expect(Self.shared.filter { $0.group == "shared/derived" }.count >= 38)
  }

  // MARK: - probe against ffprobe

  @Test("probe --json matches ffprobe on examples/media", arguments: examples)
  func examplesMatchFFprobe(_ item: ProbeCase) throws {
    try check(item)
  }

  @Test("probe --json matches ffprobe on the generated media", arguments: generated)
  func generatedMatchFFprobe(_ item: ProbeCase) throws {
    try check(item)
  }

  @Test(
    "probe --json matches ffprobe on ../shared/media and derived/",
    .enabled(if: sharedIsPresent, "../shared is absent: SKIPPED"),
    arguments: shared)
  func sharedMatchFFprobe(_ item: ProbeCase) throws {
    try check(item)
  }

  // MARK: - values known independently of ffprobe

  @Test(
    "rotate_cwN is shown turned N degrees clockwise, its width and height swapped for 90/270",
    arguments: [90, 180, 270], ["mp4", "mov"])
  func rotation(degrees: Int, ext: String) throws {
    let url = TestEnvironment.generated.appendingPathComponent("rotate_cw\(degrees).\(ext)")
    let probe = try CamvideoProbe.run(url.path)
    #expect(probe.video.rotation == degrees)
    let swapped = degrees != 180
    #expect(probe.video.width == (swapped ? 360 : 480))
    #expect(probe.video.height == (swapped ? 480 : 360))
    #expect(probe.audio.map(\.codec) == ["aac"])
  }

  @Test("a JPEG with EXIF Orientation=6 is shown turned 90 degrees clockwise")
  func exifOrientation() throws {
    let url = TestEnvironment.generated.appendingPathComponent("chelsea_exif_orientation6.jpg")
    let probe = try CamvideoProbe.run(url.path)
    #expect(probe.video.rotation == 90)
    #expect(probe.video.width == 451)
    #expect(probe.video.height == 300)
  }

  @Test("the stream order is kept when audio comes first")
  func audioFirst() throws {
    let url = TestEnvironment.generated.appendingPathComponent("audio_first_stream.mkv")
    let probe = try CamvideoProbe.run(url.path, countFrames: true)
    #expect(probe.streams.map(\.kind) == ["audio", "video"])
    #expect(probe.video.codec == "h264")
    #expect(probe.video.framesDecoded == 60)
  }

  @Test("variable frame rate: the nominal and average rates differ")
  func variableFrameRate() throws {
    let url = TestEnvironment.generated.appendingPathComponent("vfr_cockatoo.mp4")
    let probe = try CamvideoProbe.run(url.path, countFrames: true)
    #expect(probe.video.framesDecoded == 30)
    // 30 frames over 1.533 s (10 at 1/30 s, 10 at 1/10 s, 10 at 1/60 s apart)
    #expect(abs(probe.video.avgFps - 30 / 1.566) < 0.05)
    #expect(probe.video.fps > probe.video.avgFps * 2)
  }

  // MARK: - what cannot be opened

  @Test("a missing file is refused with one line naming it")
  func missingFile() {
    let path = TestEnvironment.temporaryFolder().appendingPathComponent("no-such-clip.mp4").path
    expectRefused(path)
  }

  @Test("a directory is refused with one line naming it")
  func directory() {
    expectRefused(TestEnvironment.temporaryFolder().path)
  }

  // MARK: - --version

  @Test("--version prints camvideo's, FFmpeg's and OpenBLAS's versions")
  func version() throws {
    let r = TestEnvironment.run([TestEnvironment.binary.path, "--version"])
    #expect(r.status == 0)
    let text = r.stdoutText
    let ours = try #require(text.firstMatch(of: #/camvideo (\d+\.\d+\.\d+\S*)/#)).1
    // the same version in every JSON document
    let example = TestEnvironment.examples.appendingPathComponent("cockatoo.mp4")
    #expect(try CamvideoProbe.run(example.path).camvideoVersion == String(ours))

    // FFmpeg: what the ffmpeg CLI of the same Debian package says (`ffmpeg version 5.1.9-...`)
    let ffmpeg = TestEnvironment.run(["ffmpeg", "-hide_banner", "-version"]).stdoutText
    let ffmpegVersion = try #require(ffmpeg.firstMatch(of: #/ffmpeg version (\S+)/#)).1
    #expect(text.contains("FFmpeg \(ffmpegVersion)"), "\(text)")

    // OpenBLAS: a version number, and Debian's package version when dpkg knows it
    let blas = try #require(text.firstMatch(of: #/OpenBLAS (\d+\.\d+\.\d+)/#)).1
    let dpkg = TestEnvironment.run(["dpkg-query", "-W", "-f=${Version}", "libopenblas-dev"])
    if dpkg.status == 0, let debian = dpkg.stdoutText.firstMatch(of: #/^(\d+\.\d+\.\d+)/#)?.1 {
      #expect(blas == debian)
    }
  }

  // MARK: - helpers

  /// Runs `camvideo probe` on the case, with and without `--count-frames`, and compares it
  /// with ffprobe; or checks that it is refused.
  func check(_ item: ProbeCase) throws {
    let path = item.url.path
    let ffprobe = FFprobe.run(path)
    let expectedFrames: Int?
    switch item.expected {
    case .refused:
      #expect(FFprobe.decodableVideo(ffprobe) == nil, "ffprobe decodes it: not unopenable")
      expectRefused(path)
      return
    case .asFFprobeSays:
      if FFprobe.decodableVideo(ffprobe) == nil {
        expectRefused(path)
        return
      }
      expectedFrames = nil
    case .matches(let frames):
      expectedFrames = frames
    }

    let ff = try #require(ffprobe, "ffprobe cannot open \(path)")
    let document = try CamvideoProbe.output(path, countFrames: false)
    let probe = try CamvideoProbe.decode(document)
    try compare(probe, with: ff, path: path)
    #expect(
      try CamvideoProbe.hasFramesDecodedKey(document) == false,
      "frames_decoded present without --count-frames")

    let counted = try CamvideoProbe.run(path, countFrames: true)
    let ffCounted = try #require(FFprobe.run(path, countFrames: true))
    let ffVideo = try #require(FFprobe.videoStream(ffCounted, matching: counted))
    let readFrames = try #require(ffVideo.nbReadFrames.flatMap { Int($0) })
    #expect(counted.video.framesDecoded == readFrames, "frames_decoded")
    if let expectedFrames {
      #expect(readFrames == expectedFrames, "manifest.tsv disagrees with ffprobe")
    }
  }

  /// The facts of one `probe --json` document against one ffprobe run.
  func compare(_ probe: CamvideoProbe, with ff: FFprobe, path: String) throws {
    #expect(probe.path == path)
    #expect(probe.camvideoVersion.firstMatch(of: #/^\d+\.\d+\.\d+/#) != nil)
    #expect(probe.format == ff.format.formatName)
    if let duration = ff.format.duration.flatMap(Double.init) {
      let ours = try #require(probe.durationS, "no duration_s; ffprobe says \(duration)")
      #expect(abs(ours - duration) <= 0.05, "duration_s \(ours), ffprobe \(duration)")
    } else {
      #expect(probe.durationS == nil, "duration_s where ffprobe has none")
    }

    // every stream, in the container's order
    #expect(probe.streams.map(\.index) == ff.streams.map(\.index))
    for (ours, theirs) in zip(probe.streams, ff.streams) {
      if let type = theirs.codecType { #expect(ours.kind == type, "stream \(ours.index)") }
      if let name = theirs.codecName { #expect(ours.codec == name, "stream \(ours.index)") }
    }

    // the video stream
    let video = try #require(FFprobe.videoStream(ff, matching: probe), "no such video stream")
    let v = probe.video
    #expect(v.codec == video.codecName)
    #expect(v.pixFmt == video.pixFmt)
    #expect(v.codedWidth == video.codedWidth)
    #expect(v.codedHeight == video.codedHeight)
    let rotation = FFprobe.displayRotation(video) ?? FFprobe.exifRotation(path, ff)
    if let rotation {
      #expect(v.rotation == rotation)
      let swap = rotation == 90 || rotation == 270
      #expect(v.width == (swap ? video.height : video.width))
      #expect(v.height == (swap ? video.width : video.height))
    }
    #expect(abs(v.fps - FFprobe.rate(video.rFrameRate)) < 1e-3, "fps")
    #expect(abs(v.avgFps - FFprobe.rate(video.avgFrameRate)) < 1e-3, "avg_fps")
    #expect(v.timeBase == video.timeBase)
    #expect(v.framesContainer == (video.nbFrames.flatMap { Int($0) } ?? 0))

    // the audio streams, in any order
    func key(_ codec: String?, _ rate: Int?, _ channels: Int?) -> String {
      "\(codec ?? "?")/\(rate ?? 0)/\(channels ?? 0)"
    }
    let audio = ff.streams.filter { $0.codecType == "audio" }
      .map { key($0.codecName, $0.sampleRate.flatMap { Int($0) }, $0.channels) }
    #expect(
      probe.audio.map { key($0.codec, $0.sampleRate, $0.channels) }.sorted() == audio.sorted())
  }

  /// `probe` of a file that cannot be opened: status 1, nothing on stdout, one line on stderr
  /// naming the file.
  func expectRefused(_ path: String) {
    for extra in [[], ["--json", "--count-frames"]] {
      let r = TestEnvironment.run([TestEnvironment.binary.path, "probe", path] + extra)
      #expect(r.status == 1, "exit status of probe \(extra)")
      #expect(r.stdout.isEmpty, "stdout: \(r.stdoutText)")
      let lines = r.stderr.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
      #expect(lines.count == 1, "stderr: \(r.stderr)")
      #expect(lines.first?.contains(path) == true, "stderr does not name the file: \(r.stderr)")
    }
  }
}

/// One file for `camvideo probe` and what is expected of it.
struct ProbeCase: Sendable, CustomTestStringConvertible {
  enum Expected: Sendable {
    /// opens; every fact equals ffprobe's (and the decoded frames `manifest.tsv`'s, if given)
    case matches(frames: Int?)
    /// refused: exit status 1, one line on stderr
    case refused
    /// `.refused` when ffprobe finds no decodable video, `.matches` otherwise
    case asFFprobeSays
  }

  var url: URL
  var group: String
  var expected: Expected
  var testDescription: String { "\(group)/\(url.lastPathComponent)" }
}

/// The `probe --json` document of ../shared/CLI.md.
struct CamvideoProbe: Decodable {
  struct Stream: Decodable {
    var index: Int
    var kind: String
    var codec: String
  }
  struct Video: Decodable {
    var codec: String
    var pixFmt: String
    var codedWidth: Int
    var codedHeight: Int
    var width: Int
    var height: Int
    var rotation: Int
    var fps: Double
    var avgFps: Double
    var timeBase: String
    var framesContainer: Int
    var framesDecoded: Int?
  }
  struct Audio: Decodable {
    var codec: String
    var sampleRate: Int
    var channels: Int
  }

  var camvideoVersion: String
  var path: String
  var format: String
  var durationS: Double?
  var streams: [Stream]
  var video: Video
  var audio: [Audio]

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static func output(_ path: String, countFrames: Bool) throws -> Data {
    var args = [TestEnvironment.binary.path, "probe", path, "--json"]
    if countFrames { args.append("--count-frames") }
    let r = TestEnvironment.run(args)
    guard r.status == 0 else {
      throw Failure(description: "camvideo \(args.dropFirst()) exited \(r.status): \(r.stderr)")
    }
    return r.stdout
  }

  /// `camvideo probe PATH --json [--count-frames]`, decoded.
  static func run(_ path: String, countFrames: Bool = false) throws -> CamvideoProbe {
    try decode(output(path, countFrames: countFrames))
  }

  /// One `probe --json` document, decoded.
  static func decode(_ data: Data) throws -> CamvideoProbe {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    do {
      return try decoder.decode(CamvideoProbe.self, from: data)
    } catch {
      throw Failure(
        description: "not the probe JSON (\(error)): \(String(decoding: data, as: UTF8.self))")
    }
  }

  /// Whether the document's `video` object has a `frames_decoded` key (null counts as present).
  static func hasFramesDecodedKey(_ data: Data) throws -> Bool {
    let object = try JSONSerialization.jsonObject(with: data)
    let video = (object as? [String: Any])?["video"] as? [String: Any]
    return video?.keys.contains("frames_decoded") ?? false
  }
}

/// The part of `ffprobe -show_format -show_streams -of json` that `probe` reports.
struct FFprobe: Decodable {
  struct Stream: Decodable {
    var index: Int
    var codecType: String?
    var codecName: String?
    var pixFmt: String?
    var width: Int?
    var height: Int?
    var codedWidth: Int?
    var codedHeight: Int?
    var rFrameRate: String?
    var avgFrameRate: String?
    var timeBase: String?
    var nbFrames: String?
    var nbReadFrames: String?
    var sampleRate: String?
    var channels: Int?
    var disposition: [String: Int]?
    var sideDataList: [SideData]?
  }
  struct SideData: Decodable {
    var sideDataType: String?
    var rotation: Double?
  }
  struct Format: Decodable {
    var formatName: String
    var duration: String?
  }

  var streams: [Stream]
  var format: Format

  /// `ffprobe -v error -show_format -show_streams [-count_frames] -of json PATH`, or nil when
  /// ffprobe cannot open it.
  static func run(_ path: String, countFrames: Bool = false) -> FFprobe? {
    var args = ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json"]
    if countFrames { args.append("-count_frames") }
    let r = TestEnvironment.run(args + [path])
    guard r.status == 0 else { return nil }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try? decoder.decode(FFprobe.self, from: r.stdout)
  }

  /// Video streams that are pictures in motion (not cover art).
  static func videoStreams(_ ff: FFprobe) -> [Stream] {
    // (JSONDecoder's snake-case conversion may or may not touch dictionary keys)
    ff.streams.filter {
      $0.codecType == "video"
        && ($0.disposition?["attached_pic"] ?? $0.disposition?["attachedPic"] ?? 0) != 1
    }
  }

  /// The first video stream a decoder exists for, or nil: then the file cannot be decoded.
  static func decodableVideo(_ ff: FFprobe?) -> Stream? {
    guard let ff else { return nil }
    return videoStreams(ff).first { ($0.codecName ?? "unknown") != "unknown" && $0.pixFmt != nil }
  }

  /// The video stream `probe` describes: the only one, or the one whose codec and size match.
  static func videoStream(_ ff: FFprobe, matching probe: CamvideoProbe) -> Stream? {
    let candidates = videoStreams(ff)
    if candidates.count == 1 { return candidates[0] }
    return candidates.first {
      $0.codecName == probe.video.codec && $0.codedWidth == probe.video.codedWidth
        && $0.codedHeight == probe.video.codedHeight
    }
  }

  /// "30000/1001" as a number; 0 for "0/0" (unknown).
  static func rate(_ text: String?) -> Double {
    let parts = (text ?? "0/0").split(separator: "/").compactMap { Double($0) }
    guard parts.count == 2, parts[1] != 0 else { return parts.count == 1 ? parts[0] : 0 }
    return parts[0] / parts[1]
  }

  /// Clockwise degrees for display from the stream's display matrix, nil without one.
  ///
  /// ffprobe prints the counter-clockwise angle, so its -90 is our 90.
  static func displayRotation(_ stream: Stream) -> Int? {
    guard
      let degrees = stream.sideDataList?.first(where: { $0.sideDataType == "Display Matrix" })?
        .rotation
    else { return nil }
    return ((-Int(degrees.rounded())) % 360 + 360) % 360
  }

  /// For still images: the clockwise degrees of the first frame's EXIF Orientation tag (as
  /// ffprobe reads it), 0 without one; nil for videos and for mirroring orientations.
  static func exifRotation(_ path: String, _ ff: FFprobe) -> Int? {
    let format = ff.format.formatName
    guard format == "image2" || format.hasSuffix("_pipe") else { return 0 }
    let r = TestEnvironment.run([
      "ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1",
      "-show_entries", "frame_tags=Orientation", "-of", "default=nw=1:nk=1", path,
    ])
    // "    6" (ffprobe pads the tag); nothing when there is no EXIF orientation
    let tag = r.stdoutText.split(separator: "\n").first?.trimmingCharacters(in: .whitespaces) ?? ""
    switch Int(tag) ?? 1 {
    case 1: return 0
    case 3: return 180
    case 6: return 90
    case 8: return 270
    default: return nil
    }
  }
}
