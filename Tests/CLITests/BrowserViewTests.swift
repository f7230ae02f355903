import Foundation
import Glibc
import TestSupport
import Testing

/// The live view as a user sees it: camvideo serves `http://127.0.0.1:PORT/live.mjpg`, headless
/// Chromium (the Debian package `scripts/setup.sh` installs) opens the page and takes a
/// screenshot, and the screenshot must be camvideo's overlay, not the plain frame.
@Suite("camvideo live view in a browser", .serialized)
struct BrowserViewTests {
  /// The size of the test clip (Chelsea the cat, 3 frames a second would do; 10 it is).
  static let width = 450
  static let height = 300

  @Test("headless Chromium shows the heat-map overlay; two more viewers and a reload are served")
  func screenshot() throws {
    let chromium = try #require(
      ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
      }, "Chromium is not installed: scripts/setup.sh installs it (Debian package chromium)")
    let folder = TestEnvironment.temporaryFolder()
    let clip = folder.appendingPathComponent("chelsea.mp4")
    let made = TestEnvironment.run([
      "ffmpeg", "-nostdin", "-v", "error", "-loop", "1", "-i",
      TestEnvironment.examples.appendingPathComponent("chelsea.png").path, "-vf",
      "scale=\(Self.width):\(Self.height),format=yuv420p", "-r", "10", "-t", "40", "-c:v",
      "libx264", "-preset", "ultrafast", clip.path,
    ])
    try #require(made.status == 0, "\(made.stderr)")

    // What the overlay of that frame is, written losslessly (PNG in MOV).
    let reference = folder.appendingPathComponent("reference.mov")
    let rendered = TestEnvironment.run([
      TestEnvironment.binary.path, clip.path, reference.path, "--codec", "png", "--max-frames", "1",
      "--quiet",
    ])
    try #require(rendered.status == 0, "\(rendered.stderr)")

    // The live view on a free port, paced at the clip's 10 fps (40 s: interrupted below).
    let server = try LiveViewProcess(clip: clip)
    defer { server.stop() }
    let (stream, page) = try #require(server.waitForURLs(), "no live view URL: \(server.stderr)")
    #expect(stream.hasPrefix("http://127.0.0.1:") && stream.hasSuffix("/live.mjpg"))

    // Two other viewers at the same time as the browser, and one more after they left (a
    // reload): libavformat's own HTTP server would serve only the first.
    let viewers = [stream, stream].map { Self.curl($0, seconds: 3) }

    let shot = folder.appendingPathComponent("shot.png")
    let browser = TestEnvironment.run([
      chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
      "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
      "--window-size=\(Self.width),\(Self.height)", "--timeout=5000",
      "--screenshot=\(shot.path)", page,
    ])
    #expect(FileManager.default.fileExists(atPath: shot.path), "\(browser.stderr.suffix(2000))")

    for viewer in viewers { viewer.process.waitUntilExit() }
    let reload = Self.curl(stream, seconds: 2)
    reload.process.waitUntilExit()
    for (i, output) in [viewers[0].output, viewers[1].output, reload.output].enumerated() {
      let data = try Data(contentsOf: output)
      let parts = Self.count("--camvideo-frame\r\nContent-Type: image/jpeg", in: data)
      #expect(parts >= 2, "viewer \(i) got \(parts) frames")
    }

    let status = server.stop()
    #expect(status == 0, "\(server.stderr)")
    #expect(server.stderr.contains("the live view ended after frame"), "\(server.stderr)")

    // The screenshot is the overlay (JPEG-close to the reference) and far from the plain frame.
    let seen = try Self.pixels(shot)
    let overlay = try Self.pixels(reference)
    let plain = try Self.pixels(clip)
    let toOverlay = Self.meanAbsoluteDifference(seen, overlay)
    let toPlain = Self.meanAbsoluteDifference(seen, plain)
    #expect(toOverlay < 12, "screenshot vs overlay: \(toOverlay)")
    #expect(
      toPlain > 3 * toOverlay, "screenshot vs plain frame: \(toPlain), vs overlay \(toOverlay)")
  }

  /// `curl URL` for `seconds`, into a file; returns the running process and the file.
  static func curl(_ url: String, seconds: Int) -> (process: Process, output: URL) {
    let output = TestEnvironment.temporaryFolder().appendingPathComponent("stream.bin")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl", "-s", "-m", "\(seconds)", "-o", output.path, url]
    try? process.run()
    return (process, output)
  }

  /// The first frame of a picture or video, shrunk to 90x60, as RGB bytes (ffmpeg CLI).
  static func pixels(_ url: URL) throws -> [UInt8] {
    let r = TestEnvironment.run([
      "ffmpeg", "-nostdin", "-v", "error", "-i", url.path, "-frames:v", "1", "-vf",
      "scale=90:60:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
    ])
    try #require(r.status == 0 && r.stdout.count == 90 * 60 * 3, "\(url.path): \(r.stderr)")
    return [UInt8](r.stdout)
  }

  static func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
    Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
  }

  static func count(_ marker: String, in data: Data) -> Int {
    let needle = Data(marker.utf8)
    var n = 0
    var range = data.startIndex..<data.endIndex
    while let found = data.range(of: needle, in: range) {
      n += 1
      range = found.upperBound..<data.endIndex
    }
    return n
  }
}

/// `camvideo CLIP http://127.0.0.1:0/live.mjpg`, its stderr collected as it comes.
private final class LiveViewProcess: @unchecked Sendable {
  let process = Process()
  private let lock = NSLock()
  private var collected = Data()
  private let done = DispatchGroup()

  init(clip: URL) throws {
    process.executableURL = TestEnvironment.binary
    process.arguments = [clip.path, "http://127.0.0.1:0/live.mjpg"]
    let pipe = Pipe()
    process.standardError = pipe
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    done.enter()
    DispatchQueue.global().async { [self] in
      while true {
        let data = pipe.fileHandleForReading.availableData
        if data.isEmpty { break }
        lock.withLock { collected += data }
      }
      done.leave()
    }
  }

  var stderr: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }

  /// The stream and page URLs camvideo announces, within 60 s (the model loads first).
  func waitForURLs() -> (stream: String, page: String)? {
    for _ in 0..<600 {
      let text = stderr
      if let r = text.range(of: "live view at "), let close = text[r.upperBound...].range(of: ")") {
        let words = text[r.upperBound..<close.lowerBound].split(separator: " ")
        if let stream = words.first, let page = words.last { return (String(stream), String(page)) }
      }
      if !process.isRunning { return nil }
      usleep(100_000)
    }
    return nil
  }

  /// SIGINT, as a user's Ctrl-C; returns the exit status.
  @discardableResult
  func stop() -> Int32 {
    if process.isRunning { kill(process.processIdentifier, SIGINT) }
    process.waitUntilExit()
    done.wait()
    return process.terminationStatus
  }
}
