/// ONNX `Slice`: `y = x[starts:ends:steps]` on the given axes (opset ≥ 10: constant inputs).
///
/// Shapes: `x` any; `starts`, `ends`, optional `axes` and `steps` 1-D constants of equal
/// length. Negative indices count from the end; out-of-range ones are clamped. A slice of the
/// batch dimension must keep all of it.
/// Backward: `dx` is zero except the sliced positions, which receive `dy`.
struct Slice: UnaryOperator {
  struct AxisRange: Equatable, Sendable {
    var axis: Int
    var start: Int
    var end: Int
    var step: Int
  }

  var ranges: [AxisRange]

  /// Bounds beyond ±2⁴⁰ mean "past the end"; clamping them keeps the arithmetic from overflowing.
  static func clampBound(_ v: Int) -> Int { Swift.min(Swift.max(v, -(1 << 40)), 1 << 40) }

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(3...5)
    let x = try node.shape(0)
    let starts = try node.constant(1, "starts").dims ?? []
    let ends = try node.constant(2, "ends").dims ?? []
    let axes = node.has(3) ? try node.intsConstant(3, "axes") : Array(0..<starts.count)
    let steps =
      node.has(4) ? try node.intsConstant(4, "steps") : [Int](repeating: 1, count: starts.count)
    guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
      throw .invalid("starts, ends, axes and steps differ in length")
    }
    var ranges: [AxisRange] = []
    for i in 0..<starts.count {
      let axis = try normalizedAxis(axes[i], rank: x.count)
      guard steps[i] != 0 else { throw .invalid("step 0") }
      // Bounds that depend on the batch size must cover the whole (batch-dependent) axis.
      var start = starts[i].value
      var end = ends[i].value
      if start == nil && starts[i] == x[axis] { start = 1 << 40 }
      if end == nil && ends[i] == x[axis] { end = 1 << 40 }
      guard (-(1 << 31)...(1 << 31)).contains(steps[i]) else { throw .invalid("step \(steps[i])") }
      guard let start = start.map(Self.clampBound), let end = end.map(Self.clampBound) else {
        throw .unsupported("slice bounds \(starts[i])…\(ends[i]) depend on the batch size")
      }
      ranges.append(AxisRange(axis: axis, start: start, end: end, step: steps[i]))
    }
    let op = Slice(ranges: ranges)
    _ = try op.outputShape(x)
    return BuiltOperator(op: op, runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] {
    var out = input
    for r in ranges {
      guard r.axis < input.count else { throw .invalid("axis \(r.axis) for rank \(input.count)") }
      if let d = input[r.axis].value {
        out[r.axis] = Dim(Layout.sliceAxis(start: r.start, end: r.end, step: r.step, dim: d).count)
      } else {
        let whole = r.step == 1 && (r.start == 0 || r.start <= -(1 << 40)) && r.end >= 1 << 40
        guard whole else { throw .unsupported("slicing part of the batch dimension") }
      }
    }
    return out
  }

  func axes(for shape: [Int]) -> [Layout.SliceAxis] {
    var axes = shape.map { Layout.SliceAxis(start: 0, step: 1, count: $0) }
    for r in ranges {
      axes[r.axis] = Layout.sliceAxis(start: r.start, end: r.end, step: r.step, dim: shape[r.axis])
    }
    return axes
  }

  func forward(_ x: Tensor) -> Tensor {
    let a = axes(for: x.shape)
    return Tensor(shape: a.map(\.count), data: Layout.slice(x.data, shape: x.shape, axes: a))
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    var dx = Tensor(zeros: x.shape)
    Layout.forEachSliceOffset(shape: x.shape, axes: axes(for: x.shape)) { o, i in
      dx.data[i] += dy.data[o]
    }
    return dx
  }
}
