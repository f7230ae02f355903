import Foundation

/// ONNX `Sigmoid`: `y = 1 / (1 + e^(−x))`.
///
/// Shapes: any, `y` has the shape of `x`. Attributes: none.
/// Backward: `dx = dy · y · (1 − y)`.
struct Sigmoid: UnaryOperator {
  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...1)
    return BuiltOperator(op: Sigmoid(), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] { input }

  func forward(_ x: Tensor) -> Tensor {
    Elementwise.map(x) { 1 / (1 + expf(-$0)) }
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    Elementwise.zip(y, dy) { y, g in g * y * (1 - y) }
  }
}
