/// ONNX `Pad`: pads (or, with negative pads, crops) each axis.
///
/// Shapes: `x` of rank r; `pads` a constant `[b_1, …, b_r, e_1, …, e_r]` (begins then ends, on
/// the listed `axes` when that opset-18 input is given); optional scalar `constant_value`;
/// `y[i] = x[i] + b_i + e_i`. Attributes: `mode` = `constant` (default), `reflect`, `edge`,
/// `wrap`. The TF-"SAME" padding of the torch EfficientNet export is `Pad` before a `Conv`,
/// merged into the convolution's pads at load when it is constant zero padding.
/// Backward: every output position adds its gradient to the input position it copied.
struct Pad: UnaryOperator {
  /// Per axis (before, after).
  var pads: [(Int, Int)]
  var mode: PadMode
  var value: Float

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...4)
    let x = try node.shape(0)
    let modeName = try node.attributes.string("mode") ?? "constant"
    guard let mode = PadMode(rawValue: modeName) else { throw .unsupported("mode '\(modeName)'") }
    var flat = try node.attributes.ints("pads") ?? []
    if node.has(1) { flat = try node.intsConstant(1, "pads") }
    var value = try node.attributes.float("value", default: 0)
    if node.has(2) {
      let c = try node.constant(2, "constant_value")
      guard c.count == 1, let v = c.floats?.first else {
        throw .invalid("constant_value must be a scalar")
      }
      value = v
    }
    var axes = Array(0..<x.count)
    if node.has(3) {
      axes = []
      for a in try node.intsConstant(3, "axes") {
        axes.append(try normalizedAxis(a, rank: x.count))
      }
    }
    guard flat.count == 2 * axes.count else {
      throw .invalid("\(flat.count) pads for \(axes.count) axes")
    }
    guard flat.allSatisfy({ (-(1 << 31)...(1 << 31)).contains($0) }) else {
      throw .invalid("pads \(flat)")
    }
    var pads = [(Int, Int)](repeating: (0, 0), count: x.count)
    for (i, a) in axes.enumerated() { pads[a] = (flat[i], flat[i + axes.count]) }
    let op = Pad(pads: pads, mode: mode, value: value)
    _ = try op.outputShape(x)
    return BuiltOperator(op: op, runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] {
    guard input.count == pads.count else {
      throw .invalid("rank \(input.count), \(pads.count) pads")
    }
    var out: [Dim] = []
    for (d, p) in zip(input, pads) {
      guard let o = d + Dim(p.0 + p.1) else { throw .invalid("padded size overflows") }
      if let v = o.value, v < 0 { throw .invalid("pads crop \(d) below zero") }
      if mode != .constant, p != (0, 0), d.value.map({ $0 == 0 }) ?? true {
        throw .invalid("\(mode) padding needs a known, non-empty axis")
      }
      out.append(o)
    }
    return out
  }

  /// Whether this pads only the last two axes with zeros (mergeable into a following Conv).
  var spatialZeroPads: [Int]? {
    guard mode == .constant, value == 0, pads.count == 4, pads[0] == (0, 0), pads[1] == (0, 0),
      pads.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 })
    else { return nil }
    return [pads[2].0, pads[3].0, pads[2].1, pads[3].1]
  }

  private func sources(_ shape: [Int]) -> [[Int]] {
    zip(shape, pads).map { Layout.padSources(dim: $0, before: $1.0, after: $1.1, mode: mode) }
  }

  func forward(_ x: Tensor) -> Tensor {
    let src = sources(x.shape)
    let v = value
    return Tensor(shape: src.map(\.count)) { out in
      x.data.withUnsafeBufferPointer { xb in
        Layout.forEachPadSource(shape: x.shape, sources: src) { o, i in out[o] = i >= 0 ? xb[i] : v
        }
      }
    }
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    var dx = Tensor(zeros: x.shape)
    Layout.forEachPadSource(shape: x.shape, sources: sources(x.shape)) { o, i in
      if i >= 0 { dx.data[i] += dy.data[o] }
    }
    return dx
  }
}
