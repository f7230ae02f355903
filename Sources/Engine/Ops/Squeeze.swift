/// ONNX `Squeeze`: removes dimensions of size 1 (the listed `axes`, or all of them).
///
/// Shapes: `x` any, `y` without those dimensions. Axes: attribute (opset < 13) or a constant
/// second input (opset ≥ 13).
/// Backward: `dx = reshape(dy, shape(x))`.
struct Squeeze: UnaryOperator {
  /// Sorted, non-negative; empty means every dimension that is 1.
  var axes: [Int]

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...2)
    let rank = try node.shape(0).count
    var axes = try node.attributes.ints("axes") ?? []
    if node.has(1) { axes = try node.intsConstant(1, "axes") }
    var normalized: [Int] = []
    for a in axes { normalized.append(try normalizedAxis(a, rank: rank)) }
    if normalized.isEmpty {
      normalized = try node.shape(0).enumerated().filter { $0.element == Dim(1) }.map(\.offset)
    }
    return BuiltOperator(op: Squeeze(axes: Array(Set(normalized)).sorted()), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] {
    for a in axes where a >= input.count || input[a] != Dim(1) {
      throw .invalid("axis \(a) of \(input.shapeDescription) is not 1")
    }
    return input.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
  }

  func forward(_ x: Tensor) -> Tensor {
    x.reshaped(x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor { dy.reshaped(x.shape) }
}
