import Dispatch
import VideoIO

extension RenderPipeline {
  /// Reads the input into `queue`.
  ///
  /// Frames inside `--start`/`--duration`/`--max-frames`, with
  /// their pts (made up from the previous frame when the container has none), and the audio
  /// packets of the same span. Ends the queue at the end of the input or on `stop()`.
  func decodeStage(_ reader: VideoReader, into queue: BoundedQueue<Decoded>) {
    do {
      try decode(reader, into: queue)
    } catch {
      control.fail(error)
    }
    queue.close()
  }

  private func decode(_ reader: VideoReader, into queue: BoundedQueue<Decoded>) throws {
    let frameDuration = Self.frameDuration(reader.info.video)
    var index = 0
    var lastPTS: Int64?
    var firstSeconds: Double?
    while !control.stopRequested, let item = try next(reader) {
      switch item {
      case .audio(let packet):
        if let start = options.start, packet.seconds < start { continue }
        guard queue.push(.audio(packet)) else { return }
      case .video(let frame):
        let seconds = frame.seconds ?? Double(index) * frameDuration.seconds
        if let start = options.start, seconds < start - 1e-6 { continue }
        let first = firstSeconds ?? seconds
        firstSeconds = first
        if let duration = options.duration, seconds - first >= duration - 1e-6 { return }
        if let maxFrames = options.maxFrames, index >= maxFrames { return }
        guard let scaled = frame.scaled else {
          throw PipelineError.modelInput(
            path: options.input, reason: "the reader gave no model-size picture")
        }
        var pts = frame.pts ?? ((lastPTS ?? -frameDuration.ticks) + frameDuration.ticks)
        if let last = lastPTS, pts <= last { pts = last + 1 }  // keep them strictly increasing
        lastPTS = pts
        let decoded = DecodedFrame(
          index: index, pts: pts, duration: frame.duration, seconds: seconds,
          decodedAt: DispatchTime.now().uptimeNanoseconds, image: frame.image, scaled: scaled)
        guard queue.push(.frame(decoded)) else { return }
        index += 1
      }
    }
  }

  /// The reader's next item; nil at the end, or when a stop request interrupted the read.
  private func next(_ reader: VideoReader) throws -> MediaItem? {
    do {
      return try reader.read()
    } catch {
      if control.stopRequested { return nil }
      throw error
    }
  }

  /// One frame's length in the stream's time base (at least one tick), and in seconds.
  static func frameDuration(_ video: VideoStreamInfo) -> (ticks: Int64, seconds: Double) {
    let fps = video.effectiveFrameRate.value
    let seconds = fps > 0 ? 1 / fps : 0.04
    let tb = video.timeBase.value
    let ticks = tb > 0 ? max(1, Int64((seconds / tb).rounded())) : 1
    return (ticks, seconds)
  }
}
