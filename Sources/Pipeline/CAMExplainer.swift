public import CAM
import Engine
public import VideoIO

/// The pipeline's model stage on the real thing: a ``CAMRunner`` over the model, turning a batch
/// of model-size pictures into one input tensor and the runner's results into
/// ``FrameExplanation``s (target, top-5, maps).
public final class CAMExplainer: FrameExplaining, @unchecked Sendable {
  public let runner: CAMRunner
  public let input: ModelInput
  public let labels: Labels

  public init(runner: CAMRunner, input: ModelInput, labels: Labels) {
    self.runner = runner
    self.input = input
    self.labels = labels
  }

  public var inputWidth: Int { input.width }
  public var inputHeight: Int { input.height }

  public func explain(_ pictures: [RGBImage], choose: ([Float]) -> Int) throws
    -> [FrameExplanation]
  {
    let results = try runner.explain(input.tensor(pictures), choosing: choose)
    return results.map { r in
      let top = Classifier.top(r.logits, k: 5, labels: labels)
      let target = Prediction(
        id: r.classID, label: labels[r.classID],
        prob: r.classID < r.probabilities.count ? r.probabilities[r.classID] : 0)
      return FrameExplanation(
        target: target, top: top, map: r.map.values, raw: r.raw.values, rawWidth: r.raw.width,
        rawHeight: r.raw.height, rawMax: r.raw.maximum)
    }
  }

  public func upsample(_ e: FrameExplanation, low: Float, high: Float) -> [Float] {
    let scale = 1 / (high - low + 1e-7)
    let scaled = e.raw.map { min(1, max(0, ($0 - low) * scale)) }
    return Heatmap(width: e.rawWidth, height: e.rawHeight, values: scaled)
      .resized(width: input.width, height: input.height).values
  }
}
