import Foundation
import Pipeline
import Testing

@Suite("BatchReport")
struct BatchReportTests {
  static let start = Date(timeIntervalSince1970: 1_700_000_000)

  static func report(
    _ clips: [BatchClipReport], ignored: [BatchIgnoredFile] = [], from: Double = 0,
    to: Double = 10, shard: BatchShard? = nil
  ) -> BatchReport {
    BatchReport(
      started: start.addingTimeInterval(from), finished: start.addingTimeInterval(to),
      shard: shard, interrupted: false, clips: clips, ignored: ignored, notStarted: 0)
  }

  static let ok = BatchClipReport(
    input: "/in/a.mp4", output: "/out/a.mp4", status: .ok, frames: 40, durationS: 4,
    dominant: [BatchDominantClass(id: 89, label: "sulphur-crested cockatoo", share: 0.9)])
  static let failed = BatchClipReport(
    input: "/in/b.mp4", output: "/out/b.mp4", status: .failed,
    error: "/in/b.mp4: cannot open: not a video")

  @Test("totals count the statuses; fps and clips/min over the wall time")
  func totals() {
    let r = Self.report(
      [Self.ok, Self.failed], ignored: [.init(input: "/in/x.txt", reason: "text")])
    #expect(r.totals.clips == 2 && r.totals.ok == 1 && r.totals.failed == 1)
    #expect(r.totals.skipped == 0 && r.totals.ignored == 1 && r.totals.frames == 40)
    #expect(r.totals.durationS == 10 && r.totals.fps == 4 && r.totals.clipsPerMinute == 6)
    #expect(Self.ok.fps == 10)
    #expect(!r.succeeded)
    #expect(Self.report([Self.ok]).succeeded)
  }

  @Test("JSON: snake_case, error null when absent, and it reads back the same")
  func json() throws {
    let r = Self.report([Self.ok, Self.failed], shard: BatchShard(index: 1, count: 3))
    let data = try r.json()
    let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(doc["camvideo_version"] as? String == CamvideoVersion.string)
    #expect(doc["shard"] as? String == "1/3")
    #expect(doc["started"] as? String == "2023-11-14T22:13:20.000Z")
    let clips = try #require(doc["clips"] as? [[String: Any]])
    #expect(clips[0]["error"] is NSNull && clips[0]["duration_s"] as? Double == 4)
    #expect(clips[1]["status"] as? String == "failed")
    let dominant = try #require(clips[0]["dominant"] as? [[String: Any]])
    #expect(dominant[0]["id"] as? Int == 89 && dominant[0]["share"] as? Double == 0.9)
    let totals = try #require(doc["totals"] as? [String: Any])
    #expect(totals["clips_per_minute"] as? Double == 6)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "batch-report-\(UUID().uuidString).json")
    try data.write(to: file)
    #expect(try BatchReport(contentsOf: file.path) == r)
  }

  @Test("merging shards: every clip once, its best entry kept, the span from first to last")
  func merge() {
    let skipped = BatchClipReport(input: "/in/a.mp4", output: "/out/a.mp4", status: .skipped)
    let c = BatchClipReport(
      input: "/in/c.mp4", output: "/out/c.mp4", status: .ok, frames: 20, durationS: 2)
    let retried = BatchClipReport(
      input: "/in/b.mp4", output: "/out/b.mp4", status: .ok, frames: 10, durationS: 1)
    let merged = BatchReport.merged([
      Self.report([c, Self.failed], from: 5, to: 20, shard: BatchShard(index: 1, count: 2)),
      Self.report([Self.ok], from: 0, to: 10, shard: BatchShard(index: 0, count: 2)),
      Self.report([skipped, retried], from: 30, to: 40),
    ])
    #expect(merged.clips.map(\.input) == ["/in/a.mp4", "/in/b.mp4", "/in/c.mp4"])
    #expect(merged.clips.map(\.status) == [.ok, .ok, .ok])
    #expect(merged.clips[0] == Self.ok)
    #expect(merged.shard == nil)
    #expect(merged.totals.ok == 3 && merged.totals.frames == 70 && merged.totals.durationS == 40)
    #expect(merged.started == BatchReport.merged([Self.report([], from: 0)]).started)
    #expect(merged.succeeded)
  }

  @Test("CSV: a header, one line per clip, fields with commas or quotes quoted")
  func csv() {
    let odd = BatchClipReport(
      input: "/in/a, \"b\".mp4", output: "/out/x.mp4", status: .failed, error: "bad, really")
    let text = Self.report([Self.ok, odd]).csv()
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines[0] == "input,output,status,error,warning,frames,duration_s,fps,dominant")
    #expect(
      lines[1] == "/in/a.mp4,/out/a.mp4,ok,,,40,4.000,10.00,sulphur-crested cockatoo (89) 90%")
    #expect(
      lines[2] == "\"/in/a, \"\"b\"\".mp4\",/out/x.mp4,failed,\"bad, really\",,0,0.000,0.00,")
  }
}
