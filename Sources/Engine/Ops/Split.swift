/// ONNX `Split`: cuts `x` along `axis` into consecutive parts.
///
/// Shapes: `x` any; output `i` has `split[i]` along `axis`. Attributes: `axis` (0), `split`
/// (opset < 13; from 13 a constant second input), `num_outputs` (opset ≥ 18). Without sizes the
/// parts are equal (the last one smaller when it does not divide).
/// Backward: `dx = concat(dy_i)` (missing gradients are zero).
struct Split: Operator {
  var axis: Int
  var sizes: [Int]

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...2)
    let x = try node.shape(0)
    let axis = try normalizedAxis(try node.attributes.int("axis", default: 0), rank: x.count)
    guard let dim = x[axis].value else { throw .unsupported("splitting the batch dimension") }
    var sizes = try node.attributes.ints("split")
    if node.has(1) { sizes = try node.intsConstant(1, "split") }
    let parts = try node.attributes.int("num_outputs") ?? node.outputCount
    if sizes == nil {
      guard parts > 0 else { throw .invalid("no outputs") }
      let each = (dim + parts - 1) / parts
      sizes = (0..<parts).map { min(each, max(dim - $0 * each, 0)) }
    }
    guard let sizes, sizes.allSatisfy({ $0 >= 0 && $0 <= 1 << 31 }), sizes.reduce(0, +) == dim,
      sizes.count == node.outputCount,
      sizes.allSatisfy({ $0 >= 0 })
    else {
      throw .invalid("split sizes do not add up to \(dim) over \(node.outputCount) outputs")
    }
    return BuiltOperator(op: Split(axis: axis, sizes: sizes), runtimeInputs: [0])
  }

  func outputShapes(_ inputs: [[Dim]]) throws(NodeError) -> [[Dim]] {
    guard inputs.count == 1 else { throw .invalid("expected one input") }
    return sizes.map { s in
      var out = inputs[0]
      out[axis] = Dim(s)
      return out
    }
  }

  func forward(_ inputs: [Tensor]) -> [Tensor] {
    let x = inputs[0]
    let parts = Layout.split(x.data, shape: x.shape, axis: axis, sizes: sizes)
    return zip(sizes, parts).map { s, data in
      var shape = x.shape
      shape[axis] = s
      return Tensor(shape: shape, data: data)
    }
  }

  func backward(_ step: BackwardStep) -> [Tensor?] {
    guard step.wanted[0] else { return [nil] }
    let grads = zip(step.outputs, step.outputGradients).map { y, g in g ?? Tensor(zeros: y.shape) }
    let x = step.inputs[0]
    return [
      Tensor(
        shape: x.shape,
        data: Layout.concat(grads.map(\.data), shapes: grads.map(\.shape), axis: axis))
    ]
  }
}
