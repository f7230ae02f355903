/// ONNX `ReduceMean`: the mean over `axes` (all axes when none are given).
///
/// Shapes: `x` any; `y` has the reduced axes removed (`keepdims = 0`) or kept as 1 (default).
/// Attributes: `keepdims` (1), `axes` (opset < 18; from 18 a constant second input),
/// `noop_with_empty_axes` (opset ≥ 18: empty axes mean identity instead of all).
/// Backward: `dx = dy / count`, broadcast over the reduced axes.
struct ReduceMean: UnaryOperator {
  var axes: [Int]
  var keepDims: Bool

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...2)
    let rank = try node.shape(0).count
    let keep = try node.attributes.int("keepdims", default: 1) != 0
    let noop = try node.attributes.int("noop_with_empty_axes", default: 0) != 0
    var axes = try node.attributes.ints("axes") ?? []
    if node.has(1) { axes = try node.intsConstant(1, "axes") }
    if axes.isEmpty && noop {
      return BuiltOperator(op: ReduceMean(axes: [], keepDims: true), runtimeInputs: [0])
    }
    if axes.isEmpty { axes = Array(0..<rank) }
    var normalized: [Int] = []
    for a in axes { normalized.append(try normalizedAxis(a, rank: rank)) }
    return BuiltOperator(
      op: ReduceMean(axes: Array(Set(normalized)).sorted(), keepDims: keep), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] {
    var out: [Dim] = []
    for (i, d) in input.enumerated() {
      if axes.contains(i) {
        guard d.value != nil else { throw .unsupported("mean over the batch dimension") }
        if keepDims { out.append(1) }
      } else {
        out.append(d)
      }
    }
    return out
  }

  private func keptShape(_ shape: [Int]) -> [Int] {
    shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
  }

  func forward(_ x: Tensor) -> Tensor {
    guard !axes.isEmpty else { return x }
    let kept = keptShape(x.shape)
    let count = Float(axes.map { x.shape[$0] }.reduce(1, *))
    var s = Elementwise.reduceSum(x, to: kept)
    for i in 0..<s.count { s.data[i] /= count }
    let out =
      keepDims ? kept : x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    return s.reshaped(out)
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    guard !axes.isEmpty else { return dy }
    let kept = keptShape(x.shape)
    let count = Float(axes.map { x.shape[$0] }.reduce(1, *))
    let g = Elementwise.broadcast(dy.reshaped(kept), to: x.shape)
    return Elementwise.map(g) { $0 / count }
  }
}
