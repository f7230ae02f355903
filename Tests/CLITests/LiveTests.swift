import Foundation
import Glibc
import TestSupport
import Testing

/// Live input without a camera: FFmpeg's `lavfi` device through the same libavdevice path as
/// V4L2, and paced streams piped in real time.
@Suite("camvideo live", .serialized)
struct LiveTests {
  static func camvideo(_ args: [String]) -> TestEnvironment.RunResult {
    TestEnvironment.run([TestEnvironment.binary.path] + args)
  }

  /// `ffmpeg -re` producing `seconds` of a `rate` fps test pattern as MPEG-TS on stdout, piped
  /// into `camvideo - OUT --live ...`; returns camvideo's exit status and stderr.
  static func paced(
    rate: Int, seconds: Double, stallAfter: Double? = nil, camvideoArgs: [String],
    interruptAfter: Double? = nil
  ) throws -> (status: Int32, stderr: String, seconds: Double) {
    let sleep = stallAfter.map { _ in "; exec sleep 12" } ?? ""
    let feed = Process()
    feed.executableURL = URL(fileURLWithPath: "/bin/bash")
    feed.arguments = [
      "-c",
      "ffmpeg -v error -re -f lavfi -i testsrc2=size=320x240:rate=\(rate) -t \(stallAfter ?? seconds) "
        + "-c:v libx264 -preset ultrafast -g \(rate) -f mpegts - \(sleep)",
    ]
    let pipe = Pipe()
    feed.standardOutput = pipe
    let cam = Process()
    cam.executableURL = TestEnvironment.binary
    cam.arguments = ["-"] + camvideoArgs
    cam.standardInput = pipe
    let err = Pipe()
    cam.standardError = err
    try feed.run()
    try cam.run()
    let started = Date()
    if let interruptAfter {
      usleep(UInt32(interruptAfter * 1_000_000))
      kill(cam.processIdentifier, SIGINT)
    }
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    cam.waitUntilExit()
    let seconds = Date().timeIntervalSince(started)
    feed.terminate()
    feed.waitUntilExit()
    return (cam.terminationStatus, stderr, seconds)
  }

  /// `12 frames dropped (live); latency 0.08 s median, 0.11 s max` from the summary line.
  static func summary(_ stderr: String) -> (frames: Int, dropped: Int, latencyMax: Double)? {
    guard
      let line = stderr.split(whereSeparator: \.isNewline).last(where: {
        $0.contains(" frames in ")
      })
    else { return nil }
    let words = line.split(separator: " ")
    func number(before word: String) -> Double? {
      guard let i = words.firstIndex(where: { $0.hasPrefix(word) }), i > 0 else { return nil }
      return Double(words[i - 1].trimmingCharacters(in: CharacterSet(charactersIn: ";,(")))
    }
    guard let frames = number(before: "frames") else { return nil }
    var dropped = 0
    if let r = line.range(of: " frames dropped") {
      let before = line[..<r.lowerBound].split(separator: " ").last ?? ""
      dropped = Int(before) ?? -1
    }
    var latency = -1.0
    if let r = line.range(of: "median, ") {
      latency = Double(line[r.upperBound...].split(separator: " ").first ?? "") ?? -1
    }
    return (Int(frames), dropped, latency)
  }

  static func frames(_ url: URL) -> Int {
    let r = TestEnvironment.run([
      "ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
      "stream=nb_read_frames", "-of", "csv=p=0", url.path,
    ])
    return Int(
      r.stdoutText.split(separator: ",").first?.trimmingCharacters(in: .whitespacesAndNewlines)
        ?? "") ?? -1
  }

  @Test("a lavfi source runs through the device path: every frame, the device's size")
  func lavfi() throws {
    let out = TestEnvironment.temporaryFolder().appendingPathComponent("out.mp4")
    let r = Self.camvideo([
      "testsrc2=size=320x240:rate=25", out.path, "--input-format", "lavfi", "--max-frames", "30",
      "--quiet",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(Self.frames(out) == 30)
  }

  @Test("slower than real time: frames are dropped, counted, and latency stays bounded")
  func dropsFrames() throws {
    // 50 fps with 6 TTA passes per frame: the model cannot keep up, on any machine we run on.
    let out = TestEnvironment.temporaryFolder().appendingPathComponent("out.mp4")
    let r = try Self.paced(
      rate: 50, seconds: 5, camvideoArgs: [out.path, "--live", "--aug-smooth"])
    #expect(r.status == 0, "\(r.stderr)")
    let s = try #require(Self.summary(r.stderr), "\(r.stderr)")
    // Every frame sent was either rendered or counted as dropped.
    #expect(s.frames + s.dropped == 250, "\(r.stderr)")
    #expect(s.dropped > 0)
    #expect(Self.frames(out) == s.frames)
    // One frame waits while one is in the model (batch 1 live): the latency stays within a few
    // frame times of the model, far from the 5 s the queue would build up without dropping.
    #expect(s.latencyMax >= 0 && s.latencyMax < 2.5, "latency \(s.latencyMax) s")
  }

  @Test("a stream that stalls ends after --timeout with a clear message; the recording is kept")
  func stall() throws {
    let out = TestEnvironment.temporaryFolder().appendingPathComponent("out.mp4")
    let r = try Self.paced(
      rate: 25, seconds: 2, stallAfter: 2, camvideoArgs: [out.path, "--live", "--timeout", "2"])
    // 2 s of stream, then 2 s of silence: over well before the feeder's 12 s stall ends.
    #expect(r.seconds < 10, "camvideo ran \(r.seconds) s")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("stalled"), "\(r.stderr)")
    #expect(Self.frames(out) > 0)
  }

  @Test("SIGINT on a live stream finishes the file: playable, said to be partial")
  func interrupt() throws {
    let out = TestEnvironment.temporaryFolder().appendingPathComponent("out.mp4")
    let r = try Self.paced(
      rate: 25, seconds: 30, camvideoArgs: [out.path, "--live"], interruptAfter: 4)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("partial"), "\(r.stderr)")
    #expect(Self.frames(out) > 0)
    let check = TestEnvironment.run(["ffmpeg", "-v", "warning", "-i", out.path, "-f", "null", "-"])
    #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)")
  }
}

@Suite("camvideo devices")
struct DevicesTests {
  @Test("--json is a document with a devices array (empty on a machine without cameras)")
  func json() throws {
    let r = TestEnvironment.run([TestEnvironment.binary.path, "devices", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let doc = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
    #expect(doc["camvideo_version"] is String)
    let devices = try #require(doc["devices"] as? [[String: Any]])
    let nodes = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []).filter {
      $0.hasPrefix("video")
    }
    if nodes.isEmpty { #expect(devices.isEmpty) }
  }
}
