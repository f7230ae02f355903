public import Foundation

/// The `batch --report` document (../shared/CLI.md).
///
/// Every clip of the run with its status, the files that were not videos, and totals. Shard reports merge into one
/// (``merged(_:version:)``) for `camvideo batch-report`.
public struct BatchReport: Codable, Sendable, Equatable {
  public var camvideoVersion: String
  /// ISO 8601, UTC.
  public var started: String
  public var finished: String
  /// `I/N`, or nil for a whole batch (and a merged report).
  public var shard: String?
  /// SIGINT/SIGTERM stopped the batch: clips in flight were abandoned, some were not started.
  public var interrupted: Bool
  public var clips: [BatchClipReport]
  /// Files that are not videos (photos, text...), skipped with a note.
  public var ignored: [BatchIgnoredFile]
  public var totals: BatchTotals

  public init(
    camvideoVersion: String = CamvideoVersion.string, started: Date, finished: Date,
    shard: BatchShard?, interrupted: Bool, clips: [BatchClipReport], ignored: [BatchIgnoredFile],
    notStarted: Int
  ) {
    self.camvideoVersion = camvideoVersion
    self.started = Self.timestamp(started)
    self.finished = Self.timestamp(finished)
    self.shard = shard.flatMap { $0.count > 1 ? $0.description : nil }
    self.interrupted = interrupted
    self.clips = clips
    self.ignored = ignored
    totals = BatchTotals(
      clips: clips, ignored: ignored.count, notStarted: notStarted,
      seconds: finished.timeIntervalSince(started))
  }

  /// Every clip succeeded (rendered now or before), and the run was not interrupted.
  public var succeeded: Bool { totals.failed == 0 && !interrupted }

  /// One report for several (the shards of one batch, or a batch and its reruns).
  ///
  /// A clip listed more than once keeps its best entry: `ok`, else `skipped` (done before),
  /// else the last `failed`. Clips and ignored files are sorted by input path; `started` is
  /// the earliest, `finished` the latest, and the totals are recounted (fps over the span).
  public static func merged(_ reports: [BatchReport], version: String = CamvideoVersion.string)
    -> BatchReport
  {
    func rank(_ s: BatchClipReport.Status) -> Int {
      switch s {
      case .ok: 2
      case .skipped: 1
      case .failed: 0
      }
    }
    var best: [String: BatchClipReport] = [:]
    var ignored: [String: BatchIgnoredFile] = [:]
    for report in reports {
      for clip in report.clips {
        if let old = best[clip.input], rank(old.status) > rank(clip.status) { continue }
        best[clip.input] = clip
      }
      for file in report.ignored { ignored[file.input] = file }
    }
    let started = reports.map(\.started).min().flatMap(Self.date) ?? Date()
    let finished = reports.map(\.finished).max().flatMap(Self.date) ?? started
    return BatchReport(
      camvideoVersion: version, started: started, finished: finished, shard: nil,
      interrupted: reports.contains(where: \.interrupted),
      clips: best.values.sorted { $0.input < $1.input },
      ignored: ignored.values.sorted { $0.input < $1.input },
      notStarted: reports.reduce(0) { $0 + $1.totals.notStarted })
  }

  /// The report as JSON: snake_case keys, sorted; `error` and `warning` are `null` when absent.
  public func json() throws(BatchError) -> Data {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    do { return try encoder.encode(self) } catch {
      throw BatchError.report(path: "report", reason: "cannot encode: \(error)")
    }
  }

  /// Reads a report written by `camvideo batch --report`.
  /// - Throws: `BatchError.report` naming the file.
  public init(contentsOf path: String) throws(BatchError) {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    guard let data = FileManager.default.contents(atPath: path) else {
      throw BatchError.report(path: path, reason: "cannot read the file (missing or unreadable)")
    }
    do {
      self = try decoder.decode(BatchReport.self, from: data)
    } catch {
      throw BatchError.report(path: path, reason: "not a camvideo batch report (\(error))")
    }
  }

  /// One line per clip: `input,output,status,error,warning,frames,duration_s,fps,dominant`
  /// (RFC 4180 quoting; `dominant` as `label (id) 93%; ...`).
  public func csv() -> String {
    var lines = ["input,output,status,error,warning,frames,duration_s,fps,dominant"]
    for c in clips {
      let dominant = c.dominant.map {
        "\($0.label) (\($0.id)) \(Int(($0.share * 100).rounded()))%"
      }.joined(separator: "; ")
      let fields = [
        c.input, c.output, c.status.rawValue, c.error ?? "", c.warning ?? "", String(c.frames),
        String(format: "%.3f", c.durationS), String(format: "%.2f", c.fps), dominant,
      ]
      lines.append(fields.map(Self.csvField).joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return s
    }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  static func timestamp(_ date: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    f.timeZone = TimeZone(identifier: "UTC")
    return f.string(from: date)
  }

  static func date(_ text: String) -> Date? {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return f.date(from: text)
  }
}

/// One clip of a batch report.
public struct BatchClipReport: Codable, Sendable, Equatable {
  /// What became of the clip.
  public enum Status: String, Codable, Sendable {
    /// Rendered in this run.
    case ok
    /// Not rendered: unreadable, or its render failed (`error` says why), or abandoned on
    /// SIGINT/SIGTERM.
    case failed
    /// Its completed output was already there (`--overwrite` redoes it).
    case skipped
  }

  public var input: String
  public var output: String
  public var status: Status
  /// Why it failed, one line naming the file; nil unless failed.
  public var error: String?
  /// Damage in the input (rendered up to it), one line; nil for a clean input.
  public var warning: String?
  public var frames: Int
  /// Seconds the render took.
  public var durationS: Double
  /// Frames per second achieved (`frames / duration_s`).
  public var fps: Double
  /// Explained classes by share of frames, most frequent first (at most 3).
  public var dominant: [BatchDominantClass]

  public init(
    input: String, output: String, status: Status, error: String? = nil, warning: String? = nil,
    frames: Int = 0, durationS: Double = 0, dominant: [BatchDominantClass] = []
  ) {
    self.input = input
    self.output = output
    self.status = status
    self.error = error
    self.warning = warning
    self.frames = frames
    self.durationS = durationS
    fps = durationS > 0 ? Double(frames) / durationS : 0
    self.dominant = dominant
  }

  /// A rendered clip's entry.
  public init(clip: BatchClip, summary: RenderSummary) {
    self.init(
      input: clip.input, output: clip.output, status: .ok, warning: summary.inputWarning,
      frames: summary.frames, durationS: summary.seconds,
      dominant: summary.dominant.prefix(3).map {
        BatchDominantClass(
          id: $0.prediction.id, label: $0.prediction.label, share: summary.share($0.frames))
      })
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(input, forKey: .input)
    try c.encode(output, forKey: .output)
    try c.encode(status, forKey: .status)
    try c.encode(error, forKey: .error)
    try c.encode(warning, forKey: .warning)
    try c.encode(frames, forKey: .frames)
    try c.encode(durationS, forKey: .durationS)
    try c.encode(fps, forKey: .fps)
    try c.encode(dominant, forKey: .dominant)
  }
}

/// A class and the share of a clip's frames it was the explained target in.
public struct BatchDominantClass: Codable, Sendable, Equatable {
  public var id: Int
  public var label: String
  public var share: Double

  public init(id: Int, label: String, share: Double) {
    self.id = id
    self.label = label
    self.share = share
  }
}

/// A file of the input folder that is not a video.
public struct BatchIgnoredFile: Codable, Sendable, Equatable {
  public var input: String
  public var reason: String

  public init(input: String, reason: String) {
    self.input = input
    self.reason = reason
  }
}

/// The counts at the end of a report.
public struct BatchTotals: Codable, Sendable, Equatable {
  public var clips: Int
  public var ok: Int
  public var failed: Int
  public var skipped: Int
  /// Files that were not videos.
  public var ignored: Int
  /// Clips of this run's share that an interrupt kept from starting.
  public var notStarted: Int
  /// Frames rendered in this run.
  public var frames: Int
  /// Wall-clock seconds from start to finish.
  public var durationS: Double
  /// Frames rendered per wall-clock second.
  public var fps: Double
  /// Clips rendered per wall-clock minute.
  public var clipsPerMinute: Double

  public init(clips list: [BatchClipReport], ignored: Int, notStarted: Int, seconds: Double) {
    clips = list.count
    ok = list.filter { $0.status == .ok }.count
    failed = list.filter { $0.status == .failed }.count
    skipped = list.filter { $0.status == .skipped }.count
    self.ignored = ignored
    self.notStarted = notStarted
    frames = list.reduce(0) { $0 + $1.frames }
    durationS = max(0, seconds)
    fps = seconds > 0 ? Double(frames) / seconds : 0
    clipsPerMinute = seconds > 0 ? Double(ok) * 60 / seconds : 0
  }
}
