import ArgumentParser
internal import CAM
internal import Foundation
internal import Pipeline
internal import VideoIO

/// `camvideo [render] INPUT OUTPUT [options]`: the main job, a video in and its heat-map
/// overlay out (../shared/CLI.md).
struct Render: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Render the Grad-CAM overlay of a video (the default command).")

  @Argument(help: "Video file, '-' (stdin), URL, or camera (/dev/video0).")
  var input: String

  @Argument(
    help:
      "Output file, '-' (stdout, needs --format), URL, or http://HOST:PORT/live.mjpg (live view).")
  var output: String

  @OptionGroup var inputOptions: InputOptionGroup
  @OptionGroup var span: SpanOptionGroup
  @OptionGroup var outputOptions: OutputOptionGroup
  @OptionGroup var modelOptions: ModelOptionGroup
  @OptionGroup var camOptions: CAMOptionGroup

  @OptionGroup var video: VideoOptionGroup

  @Option(help: ArgumentHelp("One JSON line per frame.", valueName: "file"))
  var framesJson: String?

  @Option(
    help: ArgumentHelp("The maps as a grayscale video at model resolution.", valueName: "file"))
  var mapsOut: String?

  @Flag(help: "No progress display.")
  var quiet = false

  func validate() throws {
    let live = span.live || InputSource(input, format: inputOptions.inputFormat).isLive
    if video.normalize == .clip && (live || input == "-") {
      throw ValidationError("--normalize clip reads the input twice: not for live input or a pipe")
    }
  }

  func run() throws {
    try reportingErrors {
      let (model, modelInput, labels) = try modelOptions.load()
      let (runner, target) = try camOptions.runner(for: model, labels: labels)
      let classID = target.fixedClass
      let source = InputSource(input, format: inputOptions.inputFormat)
      let live = span.live || source.isLive
      var readOptions = inputOptions.options(includeAudio: !outputOptions.noAudio)
      // A live source that stops sending ends the run after --timeout (10 s by default).
      if live && readOptions.timeout == nil { readOptions.timeout = 10 }
      readOptions.options = span.deviceOptions + readOptions.options
      let options = RenderOptions(
        input: input, output: output, inputOptions: readOptions,
        outputSettings: outputOptions.settings, classID: classID,
        batch: video.batch ?? (live ? 1 : RenderDefaults.batch), smooth: video.smooth,
        stableClass: video.stableClass, normalization: video.normalize.normalization,
        fit: modelInput.fit, composer: video.composer(camOptions),
        framesJSON: framesJson, mapsOutput: mapsOut, start: span.start?.seconds,
        duration: span.duration?.seconds, maxFrames: span.maxFrames,
        live: live)
      let explainer = CAMExplainer(runner: runner, input: modelInput, labels: labels)
      let pipeline = RenderPipeline(options: options, explainer: explainer, labels: labels)
      let bar = ProgressBar(quiet: quiet)
      pipeline.progress = { bar.update($0) }
      if !quiet {
        pipeline.liveViewStarted = { stream, page in
          printError("camvideo: live view at \(stream) (a page showing it: \(page))")
        }
      }
      let trap = SignalTrap { _ in pipeline.stop() }
      let summary = try withExtendedLifetime(trap) { try pipeline.run() }
      bar.finish()
      if let warning = summary.inputWarning { printError("camvideo: \(input): \(warning)") }
      let shown = summary.liveView ?? output
      if !quiet { printError(RenderDefaults.summaryLine(summary, output: shown, live: live)) }
      if summary.partial && summary.liveView != nil {
        printError("camvideo: interrupted: the live view ended after frame \(summary.frames)")
      } else if summary.partial {
        printError(
          "camvideo: interrupted: \(output) is complete up to frame \(summary.frames) (partial)")
      }
    }
  }
}

enum NormalizeChoice: String, CaseIterable, ExpressibleByArgument {
  case frame, clip
  var normalization: RenderOptions.Normalization { self == .frame ? .frame : .clip }
}

enum RenderDefaults {
  /// Frames per model call for file inputs (live inputs take 1): 8 measured best on this 2-core
  /// machine for EfficientNet-Lite0 once a batch runs in parts, a thread each (README, Speed).
  ///
  /// Measured on the 640×480 25 fps 10 s clip (render-bench's), `nice -n -15`, alternating
  /// runs, median wall seconds: `--codec mpeg4` (5 runs) batch 2: 5.44, 4: 5.19, 8: 5.00;
  /// H.264 (3 runs) 4: 6.53, 8: 5.98; `--aug-smooth` (3 runs) 4: 20.82, 8: 20.03. Peak RSS
  /// 432 MB against 409 MB at batch 4 (H.264). Before the split, 4 had used the least CPU per
  /// frame and 8 the most (more page faults while every activation was kept).
  static let batch = 8

  /// The summary line: `out.mp4: 280 frames in 9.8 s (28.6 fps); sulphur-crested cockatoo 93%, …`.
  static func summaryLine(_ s: RenderSummary, output: String, live: Bool) -> String {
    let classes = s.dominant.prefix(3).map {
      "\($0.prediction.label) \(Int((s.share($0.frames) * 100).rounded()))%"
    }
    var line = String(
      format: "%@: %d frames in %.1f s (%.1f fps)", output as NSString, s.frames, s.seconds,
      s.framesPerSecond)
    if !classes.isEmpty { line += "; " + classes.joined(separator: ", ") }
    if s.droppedFrames > 0 { line += "; \(s.droppedFrames) frames dropped (live)" }
    if live {
      line += String(format: "; latency %.2f s median, %.2f s max", s.latencyMedian, s.latencyMax)
    }
    return line
  }
}
