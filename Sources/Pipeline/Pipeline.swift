import Dispatch
import Foundation
import VideoIO

/// The main job: a video in, its Grad-CAM overlay out.
///
/// ```
///  decode ──► [frames] ──► batch + model + CAM ──► [explained] ──► smooth + overlay ──► [out] ──► encode
///  (reader)   bounded      (stable target,          bounded        (placement, label,   bounded   (+ audio,
///             queue         one model call          queue           frames-json)        queue      maps-out)
///                           per batch)
/// ```
/// Each stage runs on its own serial queue; the bounded queues between them are the thread
/// boundaries and give backpressure (``OverflowPolicy/block``), or keep only the newest frames
/// for live input (``OverflowPolicy/dropOldest`` in front of the model). Frames keep their index
/// and pts; audio packets travel in-band with them, so the end of the stream never overtakes a
/// frame. The first error cancels every queue and is rethrown once by `run()`. `stop()` (SIGINT,
/// SIGTERM) ends the input; the frames in flight are finished and the output is completed and
/// marked partial.
///
/// With `--normalize clip` a first pass runs decode + model only and keeps each frame's small
/// raw map; the second pass decodes again and overlays with one scale for the whole clip.
public final class RenderPipeline: @unchecked Sendable {
  public let options: RenderOptions
  let explainer: any FrameExplaining
  let labels: Labels
  let control = RunControl()
  /// Called from the encoding stage after each frame.
  public var progress: (@Sendable (RenderProgress) -> Void)?
  /// Called when the live view starts serving, with the stream's URL (the port actually
  /// bound) and the page that shows it.
  public var liveViewStarted: (@Sendable (_ stream: String, _ page: String) -> Void)?

  public init(options: RenderOptions, explainer: any FrameExplaining, labels: Labels) {
    precondition(options.batch >= 1, "batch must be at least 1")
    self.options = options
    self.explainer = explainer
    self.labels = labels
  }

  /// Stops reading the input.
  ///
  /// `run()` finishes the frames in flight and returns a partial summary. Safe from any thread (a signal handler's queue).
  public func stop() { control.requestStop() }

  /// Abandons the render: stops reading and makes `run()` throw ``PipelineError/abandoned(path:)``
  /// without finishing the output, so its temporary file is removed and nothing appears under
  /// the final name (`camvideo batch` on SIGINT/SIGTERM, where a rerun redoes the clip).
  ///
  /// A render that has already finished its output is not undone. Safe from any thread.
  public func abandon() {
    control.fail(PipelineError.abandoned(path: options.output))
    control.requestStop()
  }

  /// Renders the whole input.
  /// - Returns: the summary.
  /// - Throws: the first error of any stage (`VideoIOError`, the model's errors...); no output
  ///   file is left under the final name then.
  public func run() throws -> RenderSummary {
    let started = DispatchTime.now()
    var summary = RenderSummary()
    var explanations: [FrameExplanation]?
    var clipRange: (low: Float, high: Float)?
    let passes = options.normalization == .clip ? 2 : 1
    if options.normalization == .clip {
      let (collected, firstPass) = try explainWholeClip(passes: passes)
      if control.stopRequested {
        summary.partial = true
      }
      explanations = collected
      clipRange = Self.range(of: collected)
      summary.inputWarning = firstPass
    }
    let pass = try runPass(
      stored: explanations, clipRange: clipRange, pass: passes, passes: passes, started: started)
    summary.frames = pass.frames
    summary.droppedFrames = pass.dropped
    summary.targetSwitches = pass.switches
    summary.dominant = pass.dominant(labels: labels)
    summary.inputWarning = summary.inputWarning ?? pass.inputWarning
    summary.partial = summary.partial || pass.partial
    summary.audio = pass.audio
    summary.liveView = pass.liveView
    let sorted = pass.latencies.sorted()
    summary.latencyMedian = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    summary.latencyMax = sorted.last ?? 0
    summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    return summary
  }

  /// The lowest and highest raw value over a clip's maps.
  static func range(of explanations: [FrameExplanation]) -> (low: Float, high: Float) {
    var low = Float.infinity
    var high = -Float.infinity
    for e in explanations {
      for v in e.raw {
        low = min(low, v)
        high = max(high, v)
      }
    }
    return low <= high ? (low, high) : (0, 0)
  }

  func openReader(audio: Bool) throws -> VideoReader {
    var inputOptions = options.inputOptions
    inputOptions.includeAudio = audio && options.outputSettings.includeAudio && !options.live
    inputOptions.scaled = ScaledOutput(
      width: explainer.inputWidth, height: explainer.inputHeight, fit: options.fit,
      filter: .area)
    return try VideoReader(options.input, options: inputOptions)
  }
}

/// The shared state of one run: the stop request and the first error.
final class RunControl: @unchecked Sendable {
  private let lock = NSLock()
  private var error: (any Error)?
  private var stopped = false
  private var queues: [() -> Void] = []
  private var stopHandlers: [() -> Void] = []

  var stopRequested: Bool { lock.withLock { stopped } }
  var firstError: (any Error)? { lock.withLock { error } }

  /// Registers a queue to cancel when a stage fails.
  func onFailure(_ cancel: @escaping () -> Void) { lock.withLock { queues.append(cancel) } }
  /// Registers what a stop request must do (interrupt the reader).
  func onStop(_ handler: @escaping () -> Void) {
    let already = lock.withLock {
      stopHandlers.append(handler)
      return stopped
    }
    if already { handler() }
  }
  func clearHandlers() {
    lock.withLock {
      queues.removeAll()
      stopHandlers.removeAll()
    }
  }

  /// Records the first error and cancels every queue; later errors are consequences.
  func fail(_ e: any Error) {
    let cancels: [() -> Void] = lock.withLock {
      guard error == nil else { return [] }
      error = e
      return queues
    }
    for cancel in cancels { cancel() }
  }

  func requestStop() {
    let handlers: [() -> Void] = lock.withLock {
      stopped = true
      return stopHandlers
    }
    for handler in handlers { handler() }
  }
}
