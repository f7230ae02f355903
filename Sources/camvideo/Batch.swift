import ArgumentParser
internal import CAM
internal import Engine
internal import Foundation
internal import Pipeline
internal import VideoIO

/// `camvideo batch INDIR OUTDIR [options]`: the overlay of every video in a folder, at the same
/// relative paths — parallel, resumable, and shardable over a cluster (../shared/CLI.md,
/// "Batch-only").
struct Batch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Render the overlay of every video in a folder (parallel, resumable, shardable).",
    discussion: """
      Videos are found by content: every file is opened, so photos, text files and audio are \
      skipped with a note whatever their names, and a file named like a video that does not \
      open is a failed clip. A clip whose output exists is skipped (--overwrite redoes it); \
      outputs appear only when complete, and SIGINT/SIGTERM abandon the clips in flight, so a \
      rerun makes exactly the missing outputs. Exit status 0 only if every clip succeeded.
      """)

  @Argument(help: "The folder of clips.")
  var inputFolder: String

  @Argument(help: "Where the overlays go, at the clips' relative paths (created if missing).")
  var outputFolder: String

  @OptionGroup var inputOptions: InputOptionGroup
  @OptionGroup var span: SpanOptionGroup
  @OptionGroup var outputOptions: OutputOptionGroup
  @OptionGroup var modelOptions: ModelOptionGroup
  @OptionGroup var camOptions: CAMOptionGroup
  @OptionGroup var video: VideoOptionGroup

  @Option(help: "Clips rendered at once (default: 1 per 2 cores, at least 1).")
  var jobs: Int?

  @Flag(help: "Also the clips in sub-folders.")
  var recursive = false

  @Option(
    help: ArgumentHelp(
      "Only files matching this shell glob (the relative path if it has a '/', else the name).",
      valueName: "glob"))
  var pattern: String?

  @Flag(help: "Render clips whose output already exists again.")
  var overwrite = false

  @Option(help: ArgumentHelp("Write the JSON report here.", valueName: "file"))
  var report: String?

  @Option(help: ArgumentHelp("Write the report as CSV here too.", valueName: "file"))
  var reportCsv: String?

  @Option(
    help: ArgumentHelp(
      "Process only part I of N (I from 0), balanced by size: for job arrays.", valueName: "I/N"))
  var shard: String?

  @Flag(help: "No progress display and notes; only errors.")
  var quiet = false

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if let shard {
      do { _ = try BatchShard(parsing: shard) } catch { throw ValidationError("\(error)") }
    }
    if span.live || !span.deviceOptions.isEmpty {
      throw ValidationError("batch reads files: --live and the camera flags do not apply")
    }
  }

  func run() throws {
    try reportingErrors {
      let jobs = self.jobs ?? BatchDefaults.jobs
      let (model, modelInput, labels) = try modelOptions.load()
      BLAS.threads = modelOptions.threads ?? BatchDefaults.modelThreads(jobs: jobs)
      let (runner, target) = try camOptions.runner(for: model, labels: labels)
      let classID = target.fixedClass
      let all = try BatchDiscovery.clips(
        in: inputFolder, outputFolder: outputFolder, recursive: recursive, pattern: pattern,
        codec: outputOptions.codec, format: outputOptions.format)
      let part = try shard.map { text throws(BatchError) in try BatchShard(parsing: text) } ?? .all
      let clips = part.select(all, path: \.relativePath, size: \.size)
      try BatchDefaults.makeFolder(outputFolder)
      let template = RenderOptions(
        input: "", output: "",
        inputOptions: inputOptions.options(includeAudio: !outputOptions.noAudio),
        outputSettings: outputOptions.settings, classID: classID,
        batch: video.batch ?? RenderDefaults.batch,
        smooth: video.smooth, stableClass: video.stableClass,
        normalization: video.normalize.normalization, fit: modelInput.fit,
        composer: video.composer(camOptions), start: span.start?.seconds,
        duration: span.duration?.seconds, maxFrames: span.maxFrames)
      let explainer = CAMExplainer(runner: runner, input: modelInput, labels: labels)
      let batch = BatchRunner(
        clips: clips, jobs: jobs, overwrite: overwrite, template: template,
        explainer: explainer, labels: labels, shard: part)
      let display = BatchProgressDisplay(quiet: quiet)
      batch.progress = { display.update($0) }
      let trap = SignalTrap { _ in batch.abandon() }
      let result = withExtendedLifetime(trap) { batch.run() }
      display.finish()
      try write(result)
      tell(result, verbose: display.enabled)
      if !result.succeeded { throw ExitCode(1) }
    }
  }

  /// `--report` and `--report-csv`.
  private func write(_ result: BatchReport) throws {
    if let report { try BatchDefaults.write(try result.json(), to: report) }
    if let reportCsv { try BatchDefaults.write(Data(result.csv().utf8), to: reportCsv) }
  }

  /// The failures, one line each (always); notes and the summary on a terminal.
  private func tell(_ result: BatchReport, verbose: Bool) {
    for clip in result.clips where clip.status == .failed {
      printError("camvideo: failed: \(clip.error ?? clip.input)")
    }
    if verbose {
      for file in result.ignored { printError("camvideo: note: \(file.input): \(file.reason)") }
      for clip in result.clips where clip.status == .ok {
        if let warning = clip.warning { printError("camvideo: warning: \(clip.input): \(warning)") }
      }
      let t = result.totals
      printError(
        String(
          format: "camvideo: %d ok, %d skipped (done before), %d failed, %d not videos; "
            + "%d frames in %.1f s (%.1f fps, %.1f clips/min)", t.ok, t.skipped, t.failed,
          t.ignored, t.frames, t.durationS, t.fps, t.clipsPerMinute))
    }
    if result.interrupted {
      printError(
        "camvideo: interrupted: clips in flight abandoned, \(result.totals.notStarted) not "
          + "started; run the same command again to finish")
    }
  }
}

enum BatchDefaults {
  /// Clips at once: 1 per 2 cores, at least 1 — each clip's pipeline keeps about two cores
  /// busy (decode and encode beside the model).
  static var jobs: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

  /// The model's threads (`BLAS.threads`, process-wide) when `--threads` is not given: the
  /// cores divided among the jobs, at least 1.
  static func modelThreads(jobs: Int) -> Int {
    max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, jobs))
  }

  static func makeFolder(_ path: String) throws(BatchError) {
    do {
      try FileManager.default.createDirectory(
        atPath: path, withIntermediateDirectories: true)
    } catch {
      throw BatchError.outputFolder(path: path, reason: error.localizedDescription)
    }
  }

  static func write(_ data: Data, to path: String) throws(BatchError) {
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw BatchError.report(path: path, reason: "cannot write: \(error.localizedDescription)")
    }
  }
}
