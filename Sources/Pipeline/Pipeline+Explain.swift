import VideoIO

extension RenderPipeline {
  /// What the model stage tells the run about targets.
  struct TargetTally {
    var switches = 0
    var targets: [Int: (prediction: Prediction, frames: Int)] = [:]
  }

  /// Gathers frames into batches of `--batch` and explains each batch with one model call.
  ///
  /// On the second pass of `--normalize clip` it looks up the first pass's maps instead. Audio
  /// packets that arrive meanwhile follow the batch's frames. A short batch is flushed at the
  /// end, so a 1-frame clip works.
  @discardableResult
  func explainStage(
    from input: BoundedQueue<Decoded>, into output: BoundedQueue<Explained>,
    stored: [FrameExplanation]?, clipRange: (low: Float, high: Float)?
  ) -> TargetTally {
    defer { output.close() }
    var tally = TargetTally()
    var counter = SwitchCounter()
    var stable = StableTarget()
    var batch: [DecodedFrame] = []
    var audio: [AudioPacket] = []
    let fixed = options.classID
    let useStable = options.stableClass

    func choose(_ probabilities: [Float]) -> Int {
      if let fixed { return fixed }
      return useStable ? stable.update(probabilities) : StableTarget.argmax(probabilities)
    }

    func flush() throws -> Bool {
      guard !batch.isEmpty else { return true }
      let explanations: [FrameExplanation]
      if let stored, let clipRange {
        explanations = batch.map { frame in
          guard frame.index < stored.count else { return stored[stored.count - 1] }
          var e = stored[frame.index]
          e.map = explainer.upsample(e, low: clipRange.low, high: clipRange.high)
          return e
        }
      } else {
        explanations = try explainer.explain(batch.map(\.scaled.image), choose: choose)
      }
      // Frames leave the batch as they are pushed, so that the next stage holds the only
      // reference to their pixels (and can blend them in place).
      let sent = min(batch.count, explanations.count)
      batch.removeLast(batch.count - sent)
      batch.reverse()
      for e in explanations.prefix(sent) {
        let frame = batch.removeLast()
        counter.record(e.target.id)
        tally.targets[e.target.id, default: (e.target, 0)].frames += 1
        guard output.push(.frame(frame, e)) else { return false }
      }
      batch.removeAll(keepingCapacity: true)
      for packet in audio { guard output.push(.audio(packet)) else { return false } }
      audio.removeAll()
      return true
    }

    do {
      reading: while let item = input.pop() {
        switch item {
        case .frame(let frame):
          batch.append(frame)
          if batch.count >= options.batch { guard try flush() else { break reading } }
        case .audio(let packet):
          if batch.isEmpty {
            guard output.push(.audio(packet)) else { break reading }
          } else {
            audio.append(packet)
          }
        }
      }
      _ = try flush()
    } catch {
      control.fail(error)
    }
    tally.switches = counter.switches
    return tally
  }
}
