/// ONNX `Transpose`: output dimension `k` is input dimension `perm[k]`.
///
/// Shapes: `x` of rank r, `y` with `shape(y)[k] = shape(x)[perm[k]]`. Attributes: `perm`
/// (default: reversed). ShuffleNet's channel shuffle is `Reshape → Transpose(0,2,1,3,4) → Reshape`.
/// Backward: `dx = transpose(dy, perm⁻¹)`.
struct Transpose: UnaryOperator {
  var perm: [Int]

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...1)
    let rank = try node.shape(0).count
    let perm = try node.attributes.ints("perm") ?? Array((0..<rank).reversed())
    guard perm.count == rank, Set(perm) == Set(0..<rank) else {
      throw .invalid("perm \(perm) for rank \(rank)")
    }
    return BuiltOperator(op: Transpose(perm: perm), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] { perm.map { input[$0] } }

  func forward(_ x: Tensor) -> Tensor {
    Tensor(
      shape: perm.map { x.shape[$0] }, data: Layout.transpose(x.data, shape: x.shape, perm: perm))
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    let inv = Layout.inverse(perm)
    return Tensor(shape: x.shape, data: Layout.transpose(dy.data, shape: dy.shape, perm: inv))
  }
}
