/// ONNX `Clip`: `y = min(max(x, min), max)`; ReLU6 is `Clip(x, 0, 6)`.
///
/// Shapes: any, `y` has the shape of `x`. Inputs: `x`, optional scalar constants `min`
/// (default −∞) and `max` (default +∞) (opset ≥ 11; older files give them as attributes).
/// Backward: `dx = dy · [min < x < max]` (PyTorch's `hardtanh_backward`). A clip with
/// `min = 0` is a rectifier: guided backpropagation also zeroes negative `dy`.
struct Clip: UnaryOperator {
  var lower: Float
  var upper: Float

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...3)
    var lower = try node.attributes.float("min") ?? -.infinity
    var upper = try node.attributes.float("max") ?? .infinity
    if let c = try node.optionalConstant(1, "min") {
      guard c.count == 1, let v = c.floats?.first else { throw .invalid("min must be a scalar") }
      lower = v
    }
    if let c = try node.optionalConstant(2, "max") {
      guard c.count == 1, let v = c.floats?.first else { throw .invalid("max must be a scalar") }
      upper = v
    }
    return BuiltOperator(op: Clip(lower: lower, upper: upper), runtimeInputs: [0])
  }

  /// Whether guided backpropagation treats it as a rectifier (ReLU, ReLU6).
  var isRectifier: Bool { lower == 0 }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] { input }

  func forward(_ x: Tensor) -> Tensor {
    let lo = lower
    let hi = upper
    return Elementwise.map(x) { Swift.min(Swift.max($0, lo), hi) }
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    let lo = lower
    let hi = upper
    if guided && isRectifier {
      return Elementwise.zip(x, dy) { x, g in x > lo && x < hi && g > 0 ? g : 0 }
    }
    return Elementwise.zip(x, dy) { x, g in x > lo && x < hi ? g : 0 }
  }
}
