/// ONNX `Concat`: joins the inputs along `axis`.
///
/// Shapes: inputs equal except on `axis`; `y` has their sum there. Attributes: `axis`.
/// Backward: `dx_i` is the slice of `dy` that came from input `i`.
struct Concat: Operator {
  var axis: Int

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    guard node.inputCount >= 1 else { throw .invalid("no inputs") }
    let rank = try node.shape(0).count
    guard let raw = try node.attributes.int("axis") else { throw .invalid("missing axis") }
    let axis = try normalizedAxis(raw, rank: rank)
    for i in 0..<node.inputCount where node.constants[i] != nil && node.constants[i]?.floats == nil
    {
      throw .unsupported("input \(i) is an integer tensor that depends on the batch size")
    }
    return BuiltOperator(op: Concat(axis: axis), runtimeInputs: Array(0..<node.inputCount))
  }

  func outputShapes(_ inputs: [[Dim]]) throws(NodeError) -> [[Dim]] {
    guard let first = inputs.first else { throw .invalid("no inputs") }
    var total = Dim(0)
    for s in inputs {
      guard s.count == first.count else { throw .invalid("ranks differ") }
      for i in 0..<s.count where i != axis && s[i] != first[i] {
        throw .invalid(
          "\(s.shapeDescription) and \(first.shapeDescription) differ off axis \(axis)")
      }
      guard let sum = total + s[axis] else { throw .invalid("concatenated size overflows") }
      total = sum
    }
    var out = first
    out[axis] = total
    return [out]
  }

  func forward(_ inputs: [Tensor]) -> [Tensor] {
    var shape = inputs[0].shape
    shape[axis] = inputs.reduce(0) { $0 + $1.shape[axis] }
    return [
      Tensor(
        shape: shape,
        data: Layout.concat(inputs.map(\.data), shapes: inputs.map(\.shape), axis: axis))
    ]
  }

  func backward(_ step: BackwardStep) -> [Tensor?] {
    let dy = step.outputGradients[0] ?? Tensor(zeros: step.outputs[0].shape)
    let sizes = step.inputs.map { $0.shape[axis] }
    let parts = Layout.split(dy.data, shape: dy.shape, axis: axis, sizes: sizes)
    return zip(step.inputs, parts).enumerated().map { i, pair in
      step.wanted[i] ? Tensor(shape: pair.0.shape, data: pair.1) : nil
    }
  }
}
