internal import Engine
internal import Foundation

/// Runs the model again for one batch item: masked inputs (ScoreCAM) or a replaced activation
/// at the target layer (AblationCAM), scoring the target class on every variant.
struct ModelProbe {
  /// The model and the forward pass the item comes from.
  let model: Model
  let pass: ForwardPass
  /// The item's index in the pass.
  let item: Int
  /// The item's input, `C × H × W` values, and its shape `[1, C, H, W]`.
  let input: [Float]
  let inputShape: [Int]
  /// The target layer (resolved tensor name).
  let layer: String
  /// The explained score.
  let score: TargetScore
  /// Variants per model call.
  let batchSize: Int

  /// The target score of every row of `[k, classes]` logits.
  func targetScores(_ logits: Tensor, target: Int) -> [Float] {
    let rows = logits.shape.first ?? 0
    let k = rows > 0 ? logits.count / rows : 0
    return (0..<rows).map { r in
      let row = logits.data[r * k..<(r + 1) * k]
      return Self.score(Array(row), target: target, kind: score)
    }
  }

  /// A class's logit or softmax probability.
  static func score(_ logits: [Float], target: Int, kind: TargetScore) -> Float {
    guard logits.indices.contains(target) else { return 0 }
    switch kind {
    case .logit: return logits[target]
    case .softmax: return softmax(logits)[target]
    }
  }

  /// `exp(x − max) / Σ exp(x − max)`, summed in Double.
  static func softmax(_ x: [Float]) -> [Float] {
    let m = x.max() ?? 0
    let e = x.map { exp(Double($0 - m)) }
    let s = e.reduce(0, +)
    return e.map { Float($0 / s) }
  }

  /// The target score of the model on `[k, C, H, W]` inputs.
  func scores(inputs: Tensor, target: Int) throws(CAMError) -> [Float] {
    do {
      let outputs = try model.predict(inputs)
      return targetScores(outputs.first ?? Tensor(zeros: []), target: target)
    } catch {
      throw .engine(error)
    }
  }

  /// The target score with the target layer's activation replaced by each of `[k, C, h, w]`
  /// (only the layers after it run).
  func scores(layerValues: Tensor, target: Int) throws(CAMError) -> [Float] {
    do {
      let outputs = try pass.outputs(replacing: layer, with: layerValues, item: item)
      return targetScores(outputs.first ?? Tensor(zeros: []), target: target)
    } catch {
      throw .engine(error)
    }
  }
}
