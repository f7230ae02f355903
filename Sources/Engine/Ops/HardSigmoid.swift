/// ONNX `HardSigmoid`: `y = max(0, min(1, α·x + β))`.
///
/// Shapes: any, `y` has the shape of `x`. Attributes: `alpha` (default 0.2), `beta` (0.5);
/// PyTorch's `Hardsigmoid` exports as α = 1/6, β = 0.5.
/// Backward: `dx = dy · α · [0 < α·x + β < 1]`.
struct HardSigmoid: UnaryOperator {
  var alpha: Float
  var beta: Float

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...1)
    let alpha = try node.attributes.float("alpha", default: 0.2)
    let beta = try node.attributes.float("beta", default: 0.5)
    return BuiltOperator(op: HardSigmoid(alpha: alpha, beta: beta), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] { input }

  func forward(_ x: Tensor) -> Tensor {
    let a = alpha
    let b = beta
    return Elementwise.map(x) { Swift.max(0, Swift.min(1, a * $0 + b)) }
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    let a = alpha
    let b = beta
    return Elementwise.zip(x, dy) { x, g in
      let v = a * x + b
      return v > 0 && v < 1 ? g * a : 0
    }
  }
}
