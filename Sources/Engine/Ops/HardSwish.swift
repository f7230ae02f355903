/// ONNX `HardSwish`: `y = x · max(0, min(1, x/6 + 1/2))`.
///
/// Shapes: any, `y` has the shape of `x`. Attributes: none.
/// Backward (PyTorch's `hardswish_backward`): `dx = 0` for `x < −3`, `dy · (x/3 + 1/2)` for
/// `−3 ≤ x ≤ 3`, `dy` for `x > 3`.
struct HardSwish: UnaryOperator {
  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...1)
    return BuiltOperator(op: HardSwish(), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] { input }

  func forward(_ x: Tensor) -> Tensor {
    Elementwise.map(x) { $0 * Swift.max(0, Swift.min(1, $0 * (1 / 6) + 0.5)) }
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    Elementwise.zip(x, dy) { x, g in
      x < -3 ? 0 : (x <= 3 ? g * (x / 3 + 0.5) : g)
    }
  }
}
