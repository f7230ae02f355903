import Foundation
import Pipeline
import TestSupport
import Testing

@Suite("BatchDiscovery")
struct BatchDiscoveryTests {
  @Test(
    "the output keeps the name, and the extension when that container takes the codec",
    arguments: [
      ("a.mp4", "libx264", nil, "a.mp4"),
      ("trip/a.MOV", "libx264", nil, "trip/a.MOV"),
      ("a.avi", "libx264", nil, "a.avi"),
      ("a.mkv", "libx265", nil, "a.mkv"),
      ("a.webm", "libx264", nil, "a.mp4"),
      ("a.webm", "libvpx-vp9", nil, "a.webm"),
      ("a.ogv", "libx264", nil, "a.mp4"),
      ("clip.dat", "libx264", nil, "clip.mp4"),
      ("noext", "libx264", nil, "noext.mp4"),
      ("a.mp4", "ffv1", nil, "a.mkv"),
      ("a.mp4", "libx264", "matroska", "a.mkv"),
      ("d/a.avi", "libx264", "mpegts", "d/a.ts"),
    ] as [(String, String, String?, String)])
  func outputName(_ c: (String, String, String?, String)) {
    #expect(BatchDiscovery.outputName(for: c.0, codec: c.1, format: c.2, taken: []) == c.3)
  }

  @Test("two inputs never share an output: the later one keeps its whole name")
  func collisions() {
    #expect(
      BatchDiscovery.outputName(for: "a.webm", codec: "libx264", format: nil, taken: ["a.mp4"])
        == "a.webm.mp4")
    // A name that is its own output is never renamed (the other input was the one renamed).
    #expect(
      BatchDiscovery.outputName(for: "a.mp4", codec: "libx264", format: nil, taken: ["a.mp4"])
        == "a.mp4")
  }

  @Test(
    "files sorted by path; hidden files, the output folder and sub-folders (unless recursive) left out"
  )
  func listing() throws {
    let root = TestEnvironment.temporaryFolder()
    let fm = FileManager.default
    for dir in ["sub/deeper", "out", ".hidden"] {
      try fm.createDirectory(
        at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
    }
    let files = [
      "b.mp4": 3, "a.txt": 5, ".a.mp4.x1.part": 7, "sub/c.mkv": 11, "sub/deeper/d.avi": 13,
      "out/e.mp4": 17, ".hidden/f.mp4": 19,
    ]
    for (name, size) in files {
      try Data(repeating: 1, count: size).write(to: root.appendingPathComponent(name))
    }
    let out = root.appendingPathComponent("out").path
    let flat = try BatchDiscovery.clips(
      in: root.path, outputFolder: out, recursive: false, pattern: nil, codec: "libx264",
      format: nil)
    #expect(flat.map(\.relativePath) == ["a.txt", "b.mp4"])
    #expect(flat.map(\.size) == [5, 3])
    #expect(flat.map(\.output) == [out + "/a.mp4", out + "/b.mp4"])
    let deep = try BatchDiscovery.clips(
      in: root.path, outputFolder: out, recursive: true, pattern: nil, codec: "libx264",
      format: nil)
    #expect(deep.map(\.relativePath) == ["a.txt", "b.mp4", "sub/c.mkv", "sub/deeper/d.avi"])
    #expect(deep.last?.output == out + "/sub/deeper/d.avi")
    #expect(deep.last?.input == root.path + "/sub/deeper/d.avi")
    let named = try BatchDiscovery.clips(
      in: root.path, outputFolder: out, recursive: true, pattern: "*.mkv", codec: "libx264",
      format: nil)
    #expect(named.map(\.relativePath) == ["sub/c.mkv"])
    let pathed = try BatchDiscovery.clips(
      in: root.path, outputFolder: out, recursive: true, pattern: "sub/*", codec: "libx264",
      format: nil)
    #expect(pathed.map(\.relativePath) == ["sub/c.mkv"])
  }

  @Test("a missing input folder is an error naming it")
  func missingFolder() {
    #expect(throws: BatchError.self) {
      try BatchDiscovery.clips(
        in: "/nonexistent/clips", outputFolder: "/tmp/x", recursive: false, pattern: nil,
        codec: "libx264", format: nil)
    }
  }

  @Test("videos by content: photos, text and audio are not videos; unreadable clips are failures")
  func probe() throws {
    let media = TestEnvironment.generated
    func path(_ name: String) -> String { media.appendingPathComponent(name).path }
    #expect(BatchDiscovery.probe(path("cockatoo_h264.mp4")) == .video)
    #expect(BatchDiscovery.probe(path("truncated_half.webm")) == .video)
    for name in ["chelsea.bmp", "coffee.webp", "chelsea_exif_orientation6.jpg", "audio_only.m4a"] {
      guard case .notAVideo = BatchDiscovery.probe(path(name)) else {
        Issue.record("\(name) taken for a video or a failure")
        continue
      }
    }
    for name in ["not_a_video.mp4", "empty.mp4", "truncated_no_moov.mp4", "unknown_codec.avi"] {
      guard case .unreadable(let reason) = BatchDiscovery.probe(path(name)) else {
        Issue.record("\(name) not reported as an unreadable clip")
        continue
      }
      #expect(reason.contains(name), "\(reason)")
    }
    // The same bytes under other names: a text file named .txt is not a video, a clip named
    // .dat is one.
    let folder = TestEnvironment.temporaryFolder()
    let notes = folder.appendingPathComponent("notes.txt")
    let clip = folder.appendingPathComponent("clip.dat")
    try FileManager.default.copyItem(atPath: path("not_a_video.mp4"), toPath: notes.path)
    try FileManager.default.copyItem(atPath: path("cockatoo_h264.mkv"), toPath: clip.path)
    guard case .notAVideo = BatchDiscovery.probe(notes.path) else {
      Issue.record("a text file .txt taken for a clip")
      return
    }
    #expect(BatchDiscovery.probe(clip.path) == .video)
  }
}
