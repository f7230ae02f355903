/// ONNX `Unsqueeze`: inserts dimensions of size 1 at `axes` (positions in the output).
///
/// Shapes: `x` of rank r, `y` of rank r + |axes|. Axes: attribute (opset < 13) or a constant
/// second input (opset ≥ 13).
/// Backward: `dx = reshape(dy, shape(x))`.
struct Unsqueeze: UnaryOperator {
  /// Sorted output positions.
  var axes: [Int]

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...2)
    let rank = try node.shape(0).count
    var axes = try node.attributes.ints("axes") ?? []
    if node.has(1) { axes = try node.intsConstant(1, "axes") }
    let outRank = rank + axes.count
    var normalized: [Int] = []
    for a in axes { normalized.append(try normalizedAxis(a, rank: outRank)) }
    guard Set(normalized).count == normalized.count, !normalized.isEmpty else {
      throw .invalid("axes \(axes)")
    }
    return BuiltOperator(op: Unsqueeze(axes: normalized.sorted()), runtimeInputs: [0])
  }

  static func shape<T>(_ input: [T], axes: [Int], one: T) -> [T] {
    var out: [T] = []
    var it = input.makeIterator()
    for i in 0..<(input.count + axes.count) {
      if axes.contains(i) {
        out.append(one)
      } else if let d = it.next() {
        out.append(d)
      }
    }
    return out
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] {
    Self.shape(input, axes: axes, one: Dim(1))
  }

  func forward(_ x: Tensor) -> Tensor { x.reshaped(Self.shape(x.shape, axes: axes, one: 1)) }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor { dy.reshaped(x.shape) }
}
