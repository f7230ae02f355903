import Foundation

/// ONNX `BatchNormalization` in inference mode:
/// `y = γ · (x − μ) / √(σ² + ε) + β = s·x + t` per channel (axis 1).
///
/// Shapes: `x [N, C, …]`; `scale γ`, `B β`, `mean μ`, `var σ²` constant `[C]`; `y` like `x`.
/// Attributes: `epsilon` (1e-5), `momentum` (training only; ignored), `training_mode` (must be
/// 0). When it follows a Conv whose output nothing else reads, it is folded into that Conv's
/// weights at load (``Conv/folding(scale:shift:)``); otherwise it runs as this operator.
/// Backward: `dx = s · dy`.
struct BatchNormalization: UnaryOperator {
  /// `s = γ / √(σ² + ε)`.
  var scale: [Float]
  /// `t = β − μ·s`.
  var shift: [Float]

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(5...5)
    guard try node.attributes.int("training_mode", default: 0) == 0 else {
      throw .unsupported("training_mode 1")
    }
    node.attributes.ignore("momentum")
    guard node.outputCount == 1 else {
      throw .unsupported("the training outputs (running mean and variance)")
    }
    let eps = try node.attributes.float("epsilon", default: 1e-5)
    let gamma = try node.floatConstant(1, "scale")
    let beta = try node.floatConstant(2, "bias")
    let mean = try node.floatConstant(3, "mean")
    let variance = try node.floatConstant(4, "variance")
    let c = gamma.count
    guard beta.count == c, mean.count == c, variance.count == c else {
      throw .invalid("parameters differ in length")
    }
    var scale = [Float](repeating: 0, count: c)
    var shift = [Float](repeating: 0, count: c)
    for i in 0..<c {
      // In Double, as PyTorch's folding does in float32 it matters little; this is the exact value.
      let s = Double(gamma.data[i]) / (Double(variance.data[i]) + Double(eps)).squareRoot()
      scale[i] = Float(s)
      shift[i] = Float(Double(beta.data[i]) - Double(mean.data[i]) * s)
    }
    let op = BatchNormalization(scale: scale, shift: shift)
    _ = try op.outputShape(try node.shape(0))
    return BuiltOperator(op: op, runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] {
    guard input.count >= 2, input[1] == Dim(scale.count) else {
      throw .invalid("input \(input.shapeDescription) does not have \(scale.count) channels")
    }
    return input
  }

  func forward(_ x: Tensor) -> Tensor {
    let c = scale.count
    let inner = x.shape[2...].reduce(1, *)
    return Tensor(shape: x.shape) { out in
      x.data.withUnsafeBufferPointer { src in
        for p in 0..<(x.shape[0] * c) {
          let s = scale[p % c]
          let t = shift[p % c]
          for i in 0..<inner { out[p * inner + i] = s * src[p * inner + i] + t }
        }
      }
    }
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    let c = scale.count
    let inner = x.shape[2...].reduce(1, *)
    return Tensor(shape: x.shape) { out in
      for p in 0..<(x.shape[0] * c) {
        let s = scale[p % c]
        for i in 0..<inner { out[p * inner + i] = s * dy.data[p * inner + i] }
      }
    }
  }
}
