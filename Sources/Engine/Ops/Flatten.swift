/// ONNX `Flatten`: `y = reshape(x, [d0·…·d(axis−1), d(axis)·…])`.
///
/// Shapes: `x` of rank r, `y` 2-D. Attributes: `axis` (default 1, may be negative).
/// Backward: `dx = reshape(dy, shape(x))`.
struct Flatten: UnaryOperator {
  var axis: Int

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...1)
    let rank = try node.shape(0).count
    let raw = try node.attributes.int("axis", default: 1)
    let axis = raw < 0 ? raw + rank : raw
    guard axis >= 0 && axis <= rank else { throw .invalid("axis \(raw) for rank \(rank)") }
    return BuiltOperator(op: Flatten(axis: axis), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] {
    guard let outer = Array(input[..<axis]).product, let inner = Array(input[axis...]).product
    else {
      throw .unsupported("flattening \(input.shapeDescription) is not affine in the batch size")
    }
    return [outer, inner]
  }

  func forward(_ x: Tensor) -> Tensor {
    x.reshaped([x.shape[..<axis].reduce(1, *), x.shape[axis...].reduce(1, *)])
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    dy.reshaped(x.shape)
  }
}
