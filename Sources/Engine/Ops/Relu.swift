/// ONNX `Relu`: `y = max(x, 0)`.
///
/// Shapes: any, `y` has the shape of `x`. Attributes: none.
/// Backward: `dx = dy · [x > 0]`; guided backpropagation also zeroes negative `dy`:
/// `dx = dy · [x > 0] · [dy > 0]`.
struct Relu: UnaryOperator {
  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...1)
    return BuiltOperator(op: Relu(), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] { input }

  func forward(_ x: Tensor) -> Tensor {
    Elementwise.map(x) { $0 > 0 ? $0 : 0 }
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    if guided {
      return Elementwise.zip(x, dy) { x, g in x > 0 && g > 0 ? g : 0 }
    }
    return Elementwise.zip(x, dy) { x, g in x > 0 ? g : 0 }
  }
}
