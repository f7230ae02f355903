public import Foundation

/// Where the tests find their inputs: the repository's fixtures, media generated at test time
/// by `scripts/make-test-media.sh`, the read-only `../shared` beside the clone (optional), and
/// the built `camvideo` binary.
public enum TestEnvironment {
  /// The repository root (this file is at Tests/TestSupport/).
  public static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `examples/media`: small real clips and photos committed with the repository.
  public static var examples: URL { root.appendingPathComponent("examples/media") }

  /// `../shared`, when CI or a developer has it beside the clone.
  public static let shared: URL? = {
    let url = root.deletingLastPathComponent().appendingPathComponent("shared")
    return FileManager.default.fileExists(atPath: url.appendingPathComponent("media").path)
      ? url : nil
  }()

  private static let sharedNoticeOnce: Void = {
    if shared == nil {
      FileHandle.standardError.write(
        Data(
          "\n*** ../shared is absent: the tests over ../shared/media and ../shared/reference are SKIPPED ***\n\n"
            .utf8))
    }
  }()

  /// `../shared/reference`, or nil with a loud notice when ../shared is absent.
  public static var sharedReference: URL? {
    _ = sharedNoticeOnce
    return shared?.appendingPathComponent("reference")
  }

  /// Files in `../shared/media` (and `derived/`), or [] with a loud notice when absent.
  public static func sharedMedia(derived: Bool) -> [URL] {
    _ = sharedNoticeOnce
    guard let shared else { return [] }
    let dir = shared.appendingPathComponent(derived ? "media/derived" : "media")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.sorted().filter { !$0.hasSuffix(".md") && !$0.hasSuffix(".sh") }
      .map { dir.appendingPathComponent($0) }
      .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) != true }
  }

  /// Media made at test time from `examples/media` (odd, rotated, VFR, damaged...), generated once
  /// per checkout by `scripts/make-test-media.sh` into `$CAMVIDEO_TEST_MEDIA` or `.build/test-media`.
  public static let generated: URL = {
    let dir =
      ProcessInfo.processInfo.environment["CAMVIDEO_TEST_MEDIA"].map { URL(fileURLWithPath: $0) }
      ?? root.appendingPathComponent(".build/test-media")
    let result = run([
      "bash", root.appendingPathComponent("scripts/make-test-media.sh").path, dir.path,
    ])
    precondition(result.status == 0, "scripts/make-test-media.sh failed: \(result.stderr)")
    return dir
  }()

  /// One entry of the generated media's manifest.
  public struct GeneratedFile: Sendable, CustomStringConvertible {
    public var url: URL
    /// good, damaged, unopenable or photo.
    public var kind: String
    /// Frames ffprobe decodes (good and damaged files).
    public var frames: Int?
    public var description: String { url.lastPathComponent }
    public init(url: URL, kind: String, frames: Int? = nil) {
      self.url = url
      self.kind = kind
      self.frames = frames
    }
  }

  /// The generated media, from `manifest.tsv`.
  public static var generatedFiles: [GeneratedFile] {
    let manifest = generated.appendingPathComponent("manifest.tsv")
    guard let text = try? String(contentsOf: manifest, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap { line in
      let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard cols.count >= 2, !cols[0].hasPrefix("#"), cols[0] != "name" else { return nil }
      return GeneratedFile(
        url: generated.appendingPathComponent(cols[0]), kind: cols[1],
        frames: cols.count > 2 ? Int(cols[2]) : nil)
    }
  }

  /// A fresh empty folder under the system's temporary directory.
  public static func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "camvideo-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// The built `camvideo`: `$CAMVIDEO_BIN`, else the debug build beside the tests.
  public static let binary: URL = {
    if let path = ProcessInfo.processInfo.environment["CAMVIDEO_BIN"] {
      return URL(fileURLWithPath: path)
    }
    // The test bundle lives in .build/<triple>/debug; so does the binary.
    let bundle = Bundle.main.bundleURL
    for dir in [bundle, bundle.deletingLastPathComponent()] {
      let candidate = dir.appendingPathComponent("camvideo")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return root.appendingPathComponent(".build/debug/camvideo")
  }()

  /// The result of running a program.
  public struct RunResult: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: String
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  }

  /// Runs `arguments` (looked up on PATH) and waits; stdin is /dev/null unless `input` is given.
  @discardableResult
  public static func run(
    _ arguments: [String], input: Data? = nil, environment: [String: String] = [:]
  ) -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    let inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
    do { try process.run() } catch {
      return RunResult(status: -1, stdout: Data(), stderr: "\(error)")
    }
    if let input {
      DispatchQueue.global().async {
        inPipe.fileHandleForWriting.write(input)
        try? inPipe.fileHandleForWriting.close()
      }
    }
    // Read both pipes concurrently so neither can fill up and block the child.
    // Written before leave(), read after wait().
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errBox.data = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    process.waitUntilExit()
    return RunResult(
      status: process.terminationStatus, stdout: outData,
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// `ffprobe -show_format -show_streams` (plus `-count_frames`) as parsed JSON.
  public static func ffprobe(_ url: URL, countFrames: Bool = false) -> [String: Any]? {
    var args = ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json"]
    if countFrames { args += ["-count_frames"] }
    let r = run(args + [url.path])
    guard r.status == 0 else { return nil }
    return (try? JSONSerialization.jsonObject(with: r.stdout)) as? [String: Any]
  }

  /// The presentation times (seconds) of every video frame of the first video stream, as
  /// ffprobe decodes them.
  public static func ffprobeFrameTimes(_ url: URL) -> [Double] {
    let r = run([
      "ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
      "frame=best_effort_timestamp_time",
      "-of", "csv=p=0", url.path,
    ])
    // Frames with side data print an extra field and an empty line: keep the first field.
    return r.stdoutText.split(separator: "\n").compactMap { line in
      line.split(separator: ",").first.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }
  }

  /// The frames of `url` as the ffmpeg CLI decodes them (autorotated), raw RGB24.
  public static func ffmpegRGBFrames(_ url: URL, maxFrames: Int) -> Data {
    run([
      "ffmpeg", "-nostdin", "-v", "error", "-i", url.path, "-frames:v", "\(maxFrames)", "-f",
      "rawvideo",
      "-pix_fmt", "rgb24", "-",
    ]).stdout
  }
}
