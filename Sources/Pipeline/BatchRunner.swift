internal import Dispatch
internal import Foundation

/// Runs a batch: each clip through its own ``RenderPipeline``, `jobs` clips at once, sharing one
/// explainer (the model and the CAM runner are immutable and thread-safe).
///
/// ```
///  clips ──► job 1: probe ─► skip | render (RenderPipeline) ─► report entry
///        ──► job 2: ...                      (the next clip when one ends)
/// ```
/// A clip whose output exists is skipped unless `overwrite`; a clip that is not a video is
/// ignored with a note; an unreadable clip or a failed render is recorded and the batch goes
/// on. Outputs are renamed into place only when complete (``VideoWriter``). `abandon()`
/// (SIGINT, SIGTERM) abandons the clips in flight — their temporary files are removed and
/// nothing appears under their final names — and starts no more, so a rerun makes exactly the
/// missing outputs.
public final class BatchRunner: @unchecked Sendable {
  public let clips: [BatchClip]
  public let jobs: Int
  public let overwrite: Bool
  /// The render settings of every clip; `input` and `output` are replaced per clip.
  public let template: RenderOptions
  let explainer: any FrameExplaining
  let labels: Labels
  let shard: BatchShard
  /// Called whenever a clip starts, makes a frame or ends (from any job's thread).
  public var progress: (@Sendable (BatchProgress) -> Void)?

  private let state = Locked(RunState())
  private let totalBytes: Int64

  private struct RunState {
    var next = 0
    var abandoned = false
    var running: [Int: (pipeline: RenderPipeline?, current: BatchProgress.Current)] = [:]
    var finished = 0
    var finishedBytes: Int64 = 0
    /// Bytes of clips skipped (done before): left out of the estimate of the time left.
    var skippedBytes: Int64 = 0
    var framesBefore = 0
    var entries: [Int: BatchClipReport] = [:]
    var ignored: [Int: BatchIgnoredFile] = [:]
  }

  /// - Parameters:
  ///   - clips: this run's share (``BatchShard/select(_:path:size:)``), in order.
  ///   - jobs: clips rendered at once (at least 1).
  ///   - template: the render options; each clip's input and output replace the template's.
  public init(
    clips: [BatchClip], jobs: Int, overwrite: Bool, template: RenderOptions,
    explainer: any FrameExplaining, labels: Labels, shard: BatchShard = .all
  ) {
    precondition(jobs >= 1, "at least one job")
    self.clips = clips
    self.jobs = jobs
    self.overwrite = overwrite
    self.template = template
    self.explainer = explainer
    self.labels = labels
    self.shard = shard
    totalBytes = clips.reduce(0) { $0 + $1.size }
  }

  /// Abandons the clips in flight and starts no more.
  ///
  /// `run()` then returns the report so far. Safe from any thread (a signal handler's queue).
  public func abandon() {
    let pipelines = state.withLock { s -> [RenderPipeline] in
      s.abandoned = true
      return s.running.values.compactMap(\.pipeline)
    }
    for p in pipelines { p.abandon() }
  }

  /// Processes every clip.
  /// - Returns: the report: one entry per clip started, in the clips' order.
  public func run() -> BatchReport {
    let started = Date()
    let clock = DispatchTime.now()
    let group = DispatchGroup()
    for j in 0..<min(jobs, max(clips.count, 1)) {
      DispatchQueue(label: "camvideo.batch.job\(j)").async(group: group) {
        while let index = self.take() {
          self.process(index, clock: clock)
        }
      }
    }
    group.wait()
    return state.withLock { s in
      let entries = clips.indices.compactMap { s.entries[$0] }
      let ignored = clips.indices.compactMap { s.ignored[$0] }
      return BatchReport(
        started: started, finished: Date(), shard: shard, interrupted: s.abandoned,
        clips: entries, ignored: ignored,
        notStarted: clips.count - s.entries.count - s.ignored.count)
    }
  }

  /// The next clip to start, nil when all are taken or the batch was abandoned.
  private func take() -> Int? {
    state.withLock { s in
      guard !s.abandoned, s.next < clips.count else { return nil }
      defer { s.next += 1 }
      return s.next
    }
  }

  private func process(_ index: Int, clock: DispatchTime) {
    let clip = clips[index]
    if !overwrite && FileManager.default.fileExists(atPath: clip.output) {
      finish(
        index, entry: BatchClipReport(input: clip.input, output: clip.output, status: .skipped))
      return
    }
    let current = BatchProgress.Current(
      input: clip.relativePath, frames: 0, expectedFrames: nil, size: clip.size)
    state.withLock { $0.running[index] = (nil, current) }
    report(clock)
    switch BatchDiscovery.probe(clip.input) {
    case .notAVideo(let reason):
      finish(index, ignored: BatchIgnoredFile(input: clip.input, reason: reason), clock: clock)
      return
    case .unreadable(let reason):
      finish(
        index,
        entry: BatchClipReport(
          input: clip.input, output: clip.output, status: .failed, error: reason),
        clock: clock)
      return
    case .video:
      break
    }
    var options = template
    options.input = clip.input
    options.output = clip.output
    let pipeline = RenderPipeline(options: options, explainer: explainer, labels: labels)
    pipeline.progress = { [weak self] p in
      guard let self else { return }
      self.state.withLock {
        $0.running[index]?.current.frames = p.frames
        $0.running[index]?.current.expectedFrames = p.expectedFrames
      }
      self.report(clock)
    }
    let abandoned = state.withLock { s -> Bool in
      s.running[index]?.pipeline = pipeline
      return s.abandoned
    }
    if abandoned { pipeline.abandon() }
    let entry: BatchClipReport
    do {
      try Self.makeFolder(for: clip.output)
      let summary = try pipeline.run()
      entry = BatchClipReport(clip: clip, summary: summary)
    } catch PipelineError.abandoned {
      entry = BatchClipReport(
        input: clip.input, output: clip.output, status: .failed,
        error: "\(clip.input): abandoned on an interrupt (nothing written; a rerun redoes it)")
    } catch {
      entry = BatchClipReport(
        input: clip.input, output: clip.output, status: .failed, error: "\(error)")
    }
    finish(index, entry: entry, clock: clock)
  }

  private func finish(
    _ index: Int, entry: BatchClipReport? = nil, ignored: BatchIgnoredFile? = nil,
    clock: DispatchTime? = nil
  ) {
    let size = clips[index].size
    state.withLock { s in
      s.running[index] = nil
      s.finished += 1
      if entry?.status == .skipped {
        s.skippedBytes += size
      } else {
        s.finishedBytes += size
      }
      if let entry {
        s.entries[index] = entry
        s.framesBefore += entry.frames
      }
      if let ignored { s.ignored[index] = ignored }
    }
    if let clock { report(clock) }
  }

  private func report(_ clock: DispatchTime) {
    guard let progress else { return }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
    let snapshot = state.withLock { s in
      let running = s.running.keys.sorted().compactMap { s.running[$0]?.current }
      return BatchProgress(
        clipsDone: s.finished, clipsTotal: clips.count,
        frames: s.framesBefore + running.reduce(0) { $0 + $1.frames }, seconds: seconds,
        bytesDone: s.finishedBytes, bytesTotal: totalBytes - s.skippedBytes,
        current: running)
    }
    progress(snapshot)
  }

  private static func makeFolder(for output: String) throws(BatchError) {
    let folder = URL(fileURLWithPath: output).deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw BatchError.outputFolder(path: folder.path, reason: error.localizedDescription)
    }
  }
}
