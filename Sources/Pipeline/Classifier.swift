public import Engine
internal import Foundation
public import VideoIO

/// One class of a prediction.
public struct Prediction: Sendable, Equatable {
  public var id: Int
  public var label: String
  /// Softmax probability.
  public var prob: Float
}

/// What the model says of one picture.
public struct Classification: Sendable {
  /// The top classes, most probable first.
  public var top: [Prediction]
  /// The largest logit (a confidence scale independent of softmax).
  public var logitsMax: Float
}

/// Runs a classifier on pictures: fit, normalise, one batched forward, softmax, top-K.
public struct Classifier: Sendable {
  public let model: Model
  public let input: ModelInput
  public let labels: Labels

  public init(model: Model, input: ModelInput, labels: Labels) {
    self.model = model
    self.input = input
    self.labels = labels
  }

  /// Classifies full-size pictures (fitted to the model input first), as one batch.
  public func classify(_ images: [RGBImage], top k: Int) throws -> [Classification] {
    let scaler = try ImageScaler()
    let fitted = try images.map { try input.fitted($0, scaler: scaler).image }
    let logits = try model.predict(input.tensor(fitted))
    guard let out = logits.first, out.rank == 2, out.shape[0] == images.count else {
      throw PipelineError.modelInput(
        path: model.url.path, reason: "the first output is not [N, classes] logits")
    }
    return (0..<images.count).map { n in
      let row = Array(out.data[(n * out.shape[1])..<((n + 1) * out.shape[1])])
      return Classification(top: Self.top(row, k: k, labels: labels), logitsMax: row.max() ?? 0)
    }
  }

  /// Softmax of `logits` (max-subtracted, in Double), then the `k` most probable classes.
  static func top(_ logits: [Float], k: Int, labels: Labels) -> [Prediction] {
    let m = Double(logits.max() ?? 0)
    let e = logits.map { exp(Double($0) - m) }
    let sum = e.reduce(0, +)
    let order = logits.indices.sorted {
      logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1)
    }
    return order.prefix(max(0, k)).map {
      Prediction(id: $0, label: labels[$0], prob: Float(e[$0] / sum))
    }
  }
}
