/// ONNX `LeakyRelu`: `y = x` for `x ≥ 0`, `α·x` otherwise.
///
/// Shapes: any, `y` has the shape of `x`. Attributes: `alpha` (default 0.01).
/// Backward: `dx = dy · (x > 0 ? 1 : α)`.
struct LeakyRelu: UnaryOperator {
  var alpha: Float

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...1)
    let alpha = try node.attributes.float("alpha", default: 0.01)
    return BuiltOperator(op: LeakyRelu(alpha: alpha), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] { input }

  func forward(_ x: Tensor) -> Tensor {
    let a = alpha
    return Elementwise.map(x) { $0 >= 0 ? $0 : a * $0 }
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    let a = alpha
    return Elementwise.zip(x, dy) { x, g in x > 0 ? g : a * g }
  }
}
