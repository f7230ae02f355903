import Foundation
import Glibc
import TestSupport
import Testing

/// `camvideo batch` and `camvideo batch-report`, end to end on the release binary with the real
/// model: damaged clips among good ones, an interrupted batch and its rerun, and shards run as
/// separate processes.
@Suite("camvideo batch", .serialized)
struct BatchTests {
  static func generated(_ name: String) -> URL {
    TestEnvironment.generated.appendingPathComponent(name)
  }

  static func camvideo(_ args: [String]) -> TestEnvironment.RunResult {
    TestEnvironment.run([TestEnvironment.binary.path] + args)
  }

  /// A folder holding copies of generated media: `[name in the folder: generated name]`.
  static func folder(_ files: [String: String]) throws -> URL {
    let root = TestEnvironment.temporaryFolder()
    for (name, source) in files {
      let target = root.appendingPathComponent(name)
      try FileManager.default.createDirectory(
        at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try FileManager.default.copyItem(at: generated(source), to: target)
    }
    return root
  }

  /// Every file below `folder` (hidden ones too), relative, sorted.
  static func files(_ folder: URL) -> [String] {
    let all = FileManager.default.subpaths(atPath: folder.path) ?? []
    return all.filter { path in
      var isDirectory: ObjCBool = false
      let exists = FileManager.default.fileExists(
        atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory)
      return exists && !isDirectory.boolValue
    }.sorted()
  }

  static func frames(_ url: URL) -> Int {
    let probe = TestEnvironment.ffprobe(url, countFrames: true)
    let streams = probe?["streams"] as? [[String: Any]] ?? []
    let video = streams.first { $0["codec_type"] as? String == "video" }
    return Int(video?["nb_read_frames"] as? String ?? "") ?? -1
  }

  static func json(_ url: URL) throws -> [String: Any] {
    try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
  }

  static func clips(_ report: [String: Any]) -> [String: [String: Any]] {
    let list = report["clips"] as? [[String: Any]] ?? []
    return Dictionary(
      list.map { (URL(fileURLWithPath: $0["input"] as? String ?? "").lastPathComponent, $0) },
      uniquingKeysWith: { a, _ in a })
  }

  @Test("good clips converted, bad ones reported by name, non-videos noted; a rerun does nothing")
  func damagedFolder() throws {
    let input = try Self.folder([
      "cockatoo_h264.mp4": "cockatoo_h264.mp4",
      "sub/friday_h264_aac.mp4": "friday_h264_aac.mp4",
      "one_frame.webm": "one_frame.webm",
      "truncated_half.webm": "truncated_half.webm",
      "clip.dat": "cockatoo_h264.mkv",
      "not_a_video.mp4": "not_a_video.mp4",
      "unknown_codec.avi": "unknown_codec.avi",
      "notes.txt": "not_a_video.mp4",
      "chelsea.bmp": "chelsea.bmp",
    ])
    let work = TestEnvironment.temporaryFolder()
    let output = work.appendingPathComponent("out")
    let reportURL = work.appendingPathComponent("report.json")
    let csvURL = work.appendingPathComponent("report.csv")
    let args = [
      "batch", input.path, output.path, "--recursive", "--max-frames", "16", "--jobs", "2",
      "--report", reportURL.path, "--report-csv", csvURL.path,
    ]
    let r = Self.camvideo(args)
    #expect(r.status == 1, "\(r.stderr)")
    let errors = r.stderr.split(separator: "\n").map(String.init)
    #expect(errors.count == 2, "\(r.stderr)")
    #expect(
      errors.contains { $0.hasPrefix("camvideo: failed: ") && $0.contains("not_a_video.mp4") })
    #expect(
      errors.contains { $0.hasPrefix("camvideo: failed: ") && $0.contains("unknown_codec.avi") })

    let expected = [
      "clip.mp4": 16, "cockatoo_h264.mp4": 16, "one_frame.mp4": 1, "sub/friday_h264_aac.mp4": 16,
      "truncated_half.mp4": 15,
    ]
    #expect(Self.files(output) == expected.keys.sorted())
    for (name, frames) in expected {
      #expect(Self.frames(output.appendingPathComponent(name)) == frames, "\(name)")
    }

    let report = try Self.json(reportURL)
    let clips = Self.clips(report)
    #expect(clips.count == 7)
    for name in ["cockatoo_h264.mp4", "friday_h264_aac.mp4", "one_frame.webm", "clip.dat"] {
      #expect(clips[name]?["status"] as? String == "ok", "\(name)")
      #expect(clips[name]?["error"] is NSNull, "\(name)")
      #expect(clips[name]?["warning"] is NSNull, "\(name)")
    }
    #expect(clips["truncated_half.webm"]?["status"] as? String == "ok")
    #expect(clips["truncated_half.webm"]?["warning"] is String)
    #expect(clips["cockatoo_h264.mp4"]?["frames"] as? Int == 16)
    #expect(clips["one_frame.webm"]?["frames"] as? Int == 1)
    #expect(
      clips["clip.dat"]?["output"] as? String == output.appendingPathComponent("clip.mp4").path)
    // The same classes as `render` finds on the same frames.
    let dominant = clips["cockatoo_h264.mp4"]?["dominant"] as? [[String: Any]] ?? []
    let framesJSON = work.appendingPathComponent("render.jsonl")
    let render = Self.camvideo([
      input.appendingPathComponent("cockatoo_h264.mp4").path,
      work.appendingPathComponent("render.mp4").path, "--max-frames", "16", "--frames-json",
      framesJSON.path, "--quiet",
    ])
    #expect(render.status == 0, "\(render.stderr)")
    let targets = try String(contentsOf: framesJSON, encoding: .utf8).split(separator: "\n").map {
      let doc = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
      return (doc?["target"] as? [String: Any])?["id"] as? Int ?? -1
    }
    let counts = Dictionary(targets.map { ($0, 1) }, uniquingKeysWith: +)
    let top = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
    #expect(dominant.first?["id"] as? Int == top?.key, "\(dominant) vs \(counts)")
    let share = Double(top?.value ?? 0) / 16
    #expect(abs((dominant.first?["share"] as? Double ?? -1) - share) < 1e-9)
    for name in ["not_a_video.mp4", "unknown_codec.avi"] {
      #expect(clips[name]?["status"] as? String == "failed", "\(name)")
      #expect((clips[name]?["error"] as? String)?.contains(name) == true, "\(name)")
    }
    let ignored = (report["ignored"] as? [[String: Any]] ?? []).compactMap {
      ($0["input"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent }
    }
    #expect(ignored.sorted() == ["chelsea.bmp", "notes.txt"])
    let totals = try #require(report["totals"] as? [String: Any])
    #expect(totals["ok"] as? Int == 5 && totals["failed"] as? Int == 2)
    #expect(totals["ignored"] as? Int == 2 && totals["frames"] as? Int == 64)
    let csv = try String(contentsOf: csvURL, encoding: .utf8).split(separator: "\n")
    #expect(csv.count == 8 && csv.first?.hasPrefix("input,output,status,error") == true)

    // The rerun: nothing to render, the failures again, no file touched.
    let before = try Self.files(output).map {
      try FileManager.default.attributesOfItem(atPath: output.appendingPathComponent($0).path)[
        .modificationDate] as? Date
    }
    let again = Self.camvideo(args)
    #expect(again.status == 1, "\(again.stderr)")
    #expect(again.stderr.split(separator: "\n").count == 2, "\(again.stderr)")
    let rerun = try Self.json(reportURL)
    let statuses = Self.clips(rerun).values.compactMap { $0["status"] as? String }
    #expect(
      statuses.sorted() == [
        "failed", "failed", "skipped", "skipped", "skipped", "skipped", "skipped",
      ])
    #expect((rerun["totals"] as? [String: Any])?["frames"] as? Int == 0)
    #expect(Self.files(output) == expected.keys.sorted())
    let after = try Self.files(output).map {
      try FileManager.default.attributesOfItem(atPath: output.appendingPathComponent($0).path)[
        .modificationDate] as? Date
    }
    #expect(before == after)

    // Without --recursive the sub-folder is not looked at.
    let flat = Self.camvideo([
      "batch", input.path, work.appendingPathComponent("flat").path,
      "--max-frames", "1", "--pattern", "*.mp4", "--report", reportURL.path,
    ])
    #expect(flat.status == 1, "\(flat.stderr)")
    #expect(
      Self.clips(try Self.json(reportURL)).keys.sorted() == [
        "cockatoo_h264.mp4", "not_a_video.mp4",
      ])
  }

  @Test("SIGINT mid-batch abandons the clips in flight; the rerun makes exactly the missing ones")
  func interruptAndResume() throws {
    let names = ["a.mp4", "b.mkv", "c.mp4", "d.mov"]
    let sources = [
      "a.mp4": "cockatoo_h264.mp4", "b.mkv": "cockatoo_h264.mkv", "c.mp4": "friday_h264_aac.mp4",
      "d.mov": "cockatoo_h264.mov",
    ]
    let full = ["a.mp4": 40, "b.mkv": 40, "c.mp4": 60, "d.mov": 40]
    let input = try Self.folder(sources)
    let work = TestEnvironment.temporaryFolder()
    let output = work.appendingPathComponent("out")
    let reportURL = work.appendingPathComponent("report.json")
    let args = ["batch", input.path, output.path, "--jobs", "2", "--report", reportURL.path]

    let process = Process()
    process.executableURL = TestEnvironment.binary
    process.arguments = args
    let err = Pipe()
    process.standardError = err
    try process.run()
    // Wait until one clip is done and a clip started after it is in flight (a temporary output
    // that was not there when the first output appeared), then interrupt: that clip has 40-60
    // frames to go, so it is abandoned, and one clip at least is not started.
    let deadline = Date().addingTimeInterval(180)
    var midway = false
    var before: Set<String>?
    while Date() < deadline && process.isRunning && !midway {
      let now = Self.files(output)
      let parts = Set(now.filter { $0.hasSuffix(".part") })
      if let before {
        midway = !parts.subtracting(before).isEmpty
      } else if now.contains(where: names.contains) {
        before = parts
      }
      if !midway { usleep(20_000) }
    }
    #expect(midway)
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 1, "\(stderr)")
    #expect(stderr.contains("interrupted"), "\(stderr)")

    // Nothing half-done: no temporary files, and every output there is complete.
    let done = Self.files(output)
    #expect(!done.contains { $0.hasSuffix(".part") }, "\(done)")
    #expect(!done.isEmpty && done.count < names.count, "\(done)")
    for name in done { #expect(Self.frames(output.appendingPathComponent(name)) == full[name]) }
    let first = try Self.json(reportURL)
    #expect(first["interrupted"] as? Bool == true)
    let abandoned = Self.clips(first).values.filter { $0["status"] as? String == "failed" }
    #expect(!abandoned.isEmpty)
    for clip in abandoned {
      #expect((clip["error"] as? String)?.contains("abandoned") == true, "\(clip)")
    }

    // The rerun renders exactly what is missing.
    let again = Self.camvideo(args)
    #expect(again.status == 0, "\(again.stderr)")
    let second = Self.clips(try Self.json(reportURL))
    for name in names {
      let status = second[name]?["status"] as? String
      #expect(status == (done.contains(name) ? "skipped" : "ok"), "\(name)")
      #expect(Self.frames(output.appendingPathComponent(name)) == full[name], "\(name)")
    }
    #expect(Self.files(output) == names.sorted())
  }

  @Test("3 shards as 3 processes: every clip made exactly once; batch-report merges them")
  func shards() throws {
    let sources = [
      "c1.mp4": "cockatoo_h264.mp4", "c2.mkv": "cockatoo_h264.mkv", "c3.mov": "cockatoo_h264.mov",
      "f1.mp4": "friday_h264_aac.mp4", "o1.mp4": "one_frame.mp4", "t2.avi": "two_frames_mjpeg.avi",
      "r1.mp4": "rotate_cw90.mp4",
    ]
    let input = try Self.folder(sources)
    let work = TestEnvironment.temporaryFolder()
    let output = work.appendingPathComponent("out")
    let reports = (0..<3).map { work.appendingPathComponent("shard\($0).json") }
    let processes = try (0..<3).map { i in
      let p = Process()
      p.executableURL = TestEnvironment.binary
      p.arguments = [
        "batch", input.path, output.path, "--shard", "\(i)/3", "--max-frames", "3", "--jobs", "1",
        "--threads", "1", "--report", reports[i].path,
      ]
      p.standardError = FileHandle.nullDevice
      try p.run()
      return p
    }
    for p in processes {
      p.waitUntilExit()
      #expect(p.terminationStatus == 0)
    }
    var seen: [String: Int] = [:]
    for url in reports {
      let report = try Self.json(url)
      let clips = Self.clips(report)
      #expect(!clips.isEmpty, "an empty shard: \(url.lastPathComponent)")
      for (name, clip) in clips {
        #expect(clip["status"] as? String == "ok", "\(name)")
        seen[name, default: 0] += 1
      }
    }
    #expect(seen.keys.sorted() == sources.keys.sorted())
    #expect(seen.values.allSatisfy { $0 == 1 }, "\(seen)")
    #expect(Self.files(output) == sources.keys.sorted())
    for name in sources.keys {
      let expected = name == "o1.mp4" ? 1 : name == "t2.avi" ? 2 : 3
      #expect(Self.frames(output.appendingPathComponent(name)) == expected, "\(name)")
    }

    let merged = Self.camvideo(["batch-report"] + reports.map(\.path))
    #expect(merged.status == 0, "\(merged.stderr)")
    let doc = try #require(try JSONSerialization.jsonObject(with: merged.stdout) as? [String: Any])
    #expect(Self.clips(doc).keys.sorted() == sources.keys.sorted())
    let totals = try #require(doc["totals"] as? [String: Any])
    #expect(totals["ok"] as? Int == 7 && totals["failed"] as? Int == 0)
    #expect(totals["frames"] as? Int == 5 * 3 + 1 + 2)
    let csv = Self.camvideo(["batch-report", "--csv"] + reports.map(\.path))
    #expect(csv.stdoutText.split(separator: "\n").count == 8)
  }
}
