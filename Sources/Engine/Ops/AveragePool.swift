/// ONNX `AveragePool` (2-D): `y[n, c, oy, ox] = Σ window / count`, where `count` is the number
/// of input pixels in the window, or (`count_include_pad = 1`) the window's size clipped to the
/// padded image.
///
/// Shapes: `x [N, C, H, W]`, `y [N, C, OH, OW]`. Attributes: `kernel_shape`, `strides`, `pads`,
/// `auto_pad`, `ceil_mode`, `count_include_pad` (0), `dilations` (opset ≥ 19).
/// Backward: `dx[window] += dy / count`.
struct AveragePool: UnaryOperator {
  var window: PoolWindow
  var countIncludePad: Bool

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...1)
    let include = try node.attributes.int("count_include_pad", default: 0) != 0
    let window = try PoolWindow.read(&node, dilationsAllowed: true)
    return BuiltOperator(
      op: AveragePool(window: window, countIncludePad: include), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] { try window.outputShape(input) }

  func forward(_ x: Tensor) -> Tensor {
    let (h, w) = (x.shape[2], x.shape[3])
    let (oh, ow) = window.outputSize(height: h, width: w)
    let planes = x.shape[0] * x.shape[1]
    var y = Tensor(zeros: [x.shape[0], x.shape[1], oh, ow])
    for p in 0..<planes {
      window.forEachWindow(height: h, width: w) { o, taps, padded in
        var s: Float = 0
        for t in taps { s += x.data[p * h * w + t] }
        let count = countIncludePad ? padded : taps.count
        y.data[p * oh * ow + o] = count > 0 ? s / Float(count) : 0
      }
    }
    return y
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    let (h, w) = (x.shape[2], x.shape[3])
    let (oh, ow) = window.outputSize(height: h, width: w)
    let planes = x.shape[0] * x.shape[1]
    var dx = Tensor(zeros: x.shape)
    for p in 0..<planes {
      window.forEachWindow(height: h, width: w) { o, taps, padded in
        let count = countIncludePad ? padded : taps.count
        guard count > 0 else { return }
        let g = dy.data[p * oh * ow + o] / Float(count)
        for t in taps { dx.data[p * h * w + t] += g }
      }
    }
    return dx
  }
}
