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
    let (kh, kw) = (window.kernel[0], window.kernel[1])
    let (sh, sw) = (window.strides[0], window.strides[1])
    let (dh, dw) = (window.dilations[0], window.dilations[1])
    let (pt, pl) = (window.pads[0], window.pads[1])
    // Per output column, the range of kernel columns that land inside the image.
    let taps = (0..<ow).map { ox in
      Im2col.validRange(count: kw, stride: dw, offset: ox * sw - pl, size: w)
    }
    return Tensor(shape: [x.shape[0], x.shape[1], oh, ow]) { out in
      x.data.withUnsafeBufferPointer { src in
        for p in 0..<planes {
          let plane = p * h * w
          for oy in 0..<oh {
            let rows = Im2col.validRange(count: kh, stride: dh, offset: oy * sh - pt, size: h)
            for ox in 0..<ow {
              var m = -Float.infinity
              let x0 = ox * sw - pl
              for ky in rows {
                let row = plane + (oy * sh - pt + ky * dh) * w + x0
                for kx in taps[ox] { m = Swift.max(m, src[row + kx * dw]) }
              }
              out[(p * oh + oy) * ow + ox] = m
            }
          }
        }
      }
    }
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
