/// ONNX `MaxPool` (2-D): `y[n, c, oy, ox] = max over the window of x[n, c]` (padding never wins).
///
/// Shapes: `x [N, C, H, W]`, `y [N, C, OH, OW]`. Attributes: `kernel_shape`, `strides`, `pads`,
/// `auto_pad`, `dilations`, `ceil_mode`, `storage_order` (only 0; it concerns the unsupported
/// `Indices` output).
/// Backward: each `dy` goes to the first position of its window's maximum (as PyTorch does).
struct MaxPool: UnaryOperator {
  var window: PoolWindow

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...1)
    guard node.outputCount == 1 else { throw .unsupported("the Indices output") }
    guard try node.attributes.int("storage_order", default: 0) == 0 else {
      throw .unsupported("storage_order 1")
    }
    let window = try PoolWindow.read(&node, dilationsAllowed: true)
    return BuiltOperator(op: MaxPool(window: window), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] { try window.outputShape(input) }

  func forward(_ x: Tensor) -> Tensor {
    let (h, w) = (x.shape[2], x.shape[3])
    let (oh, ow) = window.outputSize(height: h, width: w)
    let planes = x.shape[0] * x.shape[1]
    var y = Tensor(zeros: [x.shape[0], x.shape[1], oh, ow])
    for p in 0..<planes {
      window.forEachWindow(height: h, width: w) { o, taps, _ in
        var m = -Float.infinity
        for t in taps { m = max(m, x.data[p * h * w + t]) }
        y.data[p * oh * ow + o] = m
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
      window.forEachWindow(height: h, width: w) { o, taps, _ in
        var best = -1
        var m = -Float.infinity
        for t in taps where best < 0 || x.data[p * h * w + t] > m {
          m = x.data[p * h * w + t]
          best = t
        }
        if best >= 0 { dx.data[p * h * w + best] += dy.data[p * oh * ow + o] }
      }
    }
    return dx
  }
}
