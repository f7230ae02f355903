import Dispatch
import Foundation
import VideoIO

/// A decoded frame on its way through the pipeline.
struct DecodedFrame: Sendable {
  var index: Int
  var pts: Int64
  var duration: Int64
  var seconds: Double
  /// When the frame left the decoder (for the live latency).
  var decodedAt: UInt64
  var image: RGBImage
  var scaled: ScaledImage
}

/// The items between stages: frames with what has been computed for them so far, and audio
/// packets in-band.
enum Decoded: Sendable {
  case frame(DecodedFrame)
  case audio(AudioPacket)
}

enum Explained: Sendable {
  case frame(DecodedFrame, FrameExplanation)
  case audio(AudioPacket)
}

enum Composed: Sendable {
  case frame(
    index: Int, image: RGBImage, pts: Int64, duration: Int64, map: RGBImage?, decodedAt: UInt64)
  case audio(AudioPacket)
}

/// What one pass saw.
struct PassResult {
  var frames = 0
  var dropped = 0
  var switches = 0
  var targets: [Int: (prediction: Prediction, frames: Int)] = [:]
  var explanations: [FrameExplanation] = []
  var inputWarning: String?
  var partial = false
  var audio: String?
  var liveView: String?
  /// Seconds from decode to encode, per frame.
  var latencies: [Double] = []

  func dominant(labels: Labels) -> [(prediction: Prediction, frames: Int)] {
    targets.values.sorted {
      $0.frames > $1.frames || ($0.frames == $1.frames && $0.prediction.id < $1.prediction.id)
    }
  }
}

/// Queue sizes: enough frames in flight to keep every stage busy, few enough that memory stays
/// flat (a 720p frame is 2.8 MB).
enum QueueDepth {
  static func frames(batch: Int) -> Int { 2 * batch + 2 }
  static let composed = 4
  /// Live input keeps one batch waiting in front of the model: the newest frames, and a
  /// latency bounded by about two batches of model time.
  static func live(batch: Int) -> Int { batch }
}

extension RenderPipeline {
  /// The first pass of `--normalize clip`: decode and explain every frame, keep the maps.
  func explainWholeClip(passes: Int) throws -> ([FrameExplanation], String?) {
    let reader = try openReader(audio: false)
    let decoded = BoundedQueue<Decoded>(capacity: QueueDepth.frames(batch: options.batch))
    let explained = BoundedQueue<Explained>(capacity: QueueDepth.frames(batch: options.batch))
    control.clearHandlers()
    control.onFailure {
      decoded.cancel()
      explained.cancel()
    }
    control.onStop { reader.interrupt() }
    let group = DispatchGroup()
    let result = Locked(PassResult())
    let started = DispatchTime.now()
    let expected = expectedFrames(reader)
    DispatchQueue(label: "camvideo.decode").async(group: group) {
      self.decodeStage(reader, into: decoded)
    }
    DispatchQueue(label: "camvideo.model").async(group: group) {
      self.explainStage(from: decoded, into: explained, stored: nil, clipRange: nil)
    }
    DispatchQueue(label: "camvideo.collect").async(group: group) {
      var local = PassResult()
      while let item = explained.pop() {
        guard case .frame(_, let e) = item else { continue }
        local.explanations.append(e)
        local.frames += 1
        self.progress?(
          RenderProgress(
            frames: local.frames, expectedFrames: expected, seconds: Self.elapsed(since: started),
            droppedFrames: 0, pass: 1, passes: passes))
      }
      result.withLock { $0 = local }
    }
    group.wait()
    if let error = control.firstError { throw error }
    return (result.withLock { $0.explanations }, reader.stats.warning)
  }

  /// One full pass: decode, explain (or look up the first pass's maps), compose, encode.
  func runPass(
    stored: [FrameExplanation]?, clipRange: (low: Float, high: Float)?, pass: Int, passes: Int,
    started: DispatchTime
  ) throws -> PassResult {
    let reader = try openReader(audio: true)
    // The frames' pixel arrays go round: reader → model and overlay stages (blended in place) →
    // encoder → back to the reader, instead of 2.7 MB of fresh memory per 720p frame.
    let pool = PixelBufferPool()
    reader.pixelPool = pool
    let video = reader.info.video
    let size = options.composer.outputSize(width: video.width, height: video.height)
    let writer = try openVideoOutput(
      options.output, width: size.width, height: size.height, timeBase: video.timeBase,
      frameRate: video.effectiveFrameRate, settings: options.outputSettings, audioFrom: reader,
      realTimeInput: options.live)
    let liveView = writer as? LiveView
    if let liveView { liveViewStarted?(liveView.url, liveView.pageURL) }
    let maps = try options.mapsOutput.map {
      try VideoWriter(
        $0, width: explainer.inputWidth, height: explainer.inputHeight, timeBase: video.timeBase,
        frameRate: video.effectiveFrameRate,
        settings: OutputSettings(
          format: nil, codec: options.outputSettings.codec, preset: options.outputSettings.preset,
          crf: options.outputSettings.crf, includeAudio: false))
    }
    let records = try options.framesJSON.map { try LineFile($0) }

    let depth = QueueDepth.frames(batch: options.batch)
    let decoded = BoundedQueue<Decoded>(
      capacity: options.live ? QueueDepth.live(batch: options.batch) : depth,
      policy: options.live ? .dropOldest : .block)
    let explained = BoundedQueue<Explained>(capacity: depth)
    let composed = BoundedQueue<Composed>(capacity: QueueDepth.composed)
    control.clearHandlers()
    control.onFailure {
      decoded.cancel()
      explained.cancel()
      composed.cancel()
    }
    control.onStop { reader.interrupt() }

    let group = DispatchGroup()
    let expected = stored?.count ?? expectedFrames(reader)
    let result = Locked(PassResult())
    let encoder = HandOff(value: (writer, maps))
    DispatchQueue(label: "camvideo.decode").async(group: group) {
      self.decodeStage(reader, into: decoded)
    }
    DispatchQueue(label: "camvideo.model").async(group: group) {
      let r = self.explainStage(
        from: decoded, into: explained, stored: stored, clipRange: clipRange)
      result.withLock {
        $0.switches = r.switches
        $0.targets = r.targets
      }
    }
    DispatchQueue(label: "camvideo.compose").async(group: group) {
      self.composeStage(from: explained, into: composed, records: records, pool: pool)
    }
    DispatchQueue(label: "camvideo.encode").async(group: group) {
      let (writer, maps) = encoder.value
      var frames = 0
      var latencies: [Double] = []
      do {
        while let item = composed.pop() {
          // Consumed, so that the recycled pixels are not still referenced from here.
          switch consume item {
          case .audio(let packet):
            try writer.write(packet)
          case .frame(_, let image, let pts, let duration, let map, let decodedAt):
            try writer.write(image, pts: pts, duration: duration)
            pool.recycle(image.pixels)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - decodedAt) / 1e9)
            if let map, let maps { try maps.write(map, pts: pts, duration: duration) }
            frames += 1
            self.progress?(
              RenderProgress(
                frames: frames, expectedFrames: expected, seconds: Self.elapsed(since: started),
                droppedFrames: decoded.dropped, pass: pass, passes: passes))
          }
        }
      } catch {
        self.control.fail(error)
      }
      result.withLock {
        $0.frames = frames
        $0.latencies = latencies
      }
    }
    group.wait()
    if let error = control.firstError { throw error }
    var outcome = result.withLock { $0 }
    try writer.finish()
    try maps?.finish()
    try records?.finish()
    outcome.dropped = decoded.dropped
    outcome.inputWarning = reader.stats.warning
    outcome.partial = control.stopRequested
    outcome.liveView = liveView?.url
    switch writer.audioMode {
    case .none: outcome.audio = nil
    case .copied(let codec): outcome.audio = "\(codec) copied"
    case .transcoded(let codec): outcome.audio = "re-encoded to \(codec)"
    }
    return outcome
  }

  static func elapsed(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
  }

  /// Frames the input will give, when it says (for the ETA).
  func expectedFrames(_ reader: VideoReader) -> Int? {
    let video = reader.info.video
    var count: Int?
    if video.framesInContainer > 0 {
      count = video.framesInContainer
    } else if let d = video.duration ?? reader.info.duration, d > 0 {
      count = Int((d * video.effectiveFrameRate.value).rounded())
    }
    if let duration = options.duration {
      let limit = Int((duration * video.effectiveFrameRate.value).rounded())
      count = min(count ?? limit, limit)
    }
    if let maxFrames = options.maxFrames { count = min(count ?? maxFrames, maxFrames) }
    return count
  }
}
