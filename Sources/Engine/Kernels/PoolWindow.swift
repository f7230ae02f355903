/// The attributes and window arithmetic `MaxPool` and `AveragePool` share (2-D only):
/// `kernel_shape`, `strides`, `pads` `[top, left, bottom, right]`, `auto_pad`, `dilations`,
/// `ceil_mode`.
struct PoolWindow: Equatable, Sendable {
  var kernel: [Int]
  var strides: [Int]
  var dilations: [Int]
  var pads: [Int]
  var ceilMode: Bool

  static func read(_ node: inout NodeContext, dilationsAllowed: Bool) throws(NodeError)
    -> PoolWindow
  {
    let x = try node.shape(0)
    guard x.count == 4 else { throw .unsupported("\(x.count - 2)-D pooling (only 2-D)") }
    guard let kernel = try node.attributes.ints("kernel_shape"), kernel.count == 2,
      kernel.allSatisfy({ $0 > 0 })
    else {
      throw .invalid("kernel_shape must give 2 positive sizes")
    }
    let strides = try node.attributes.ints("strides") ?? [1, 1]
    let dilations = dilationsAllowed ? try node.attributes.ints("dilations") ?? [1, 1] : [1, 1]
    guard strides.count == 2, dilations.count == 2, strides.allSatisfy({ $0 > 0 }),
      dilations.allSatisfy({ $0 > 0 })
    else {
      throw .invalid("strides \(strides), dilations \(dilations)")
    }
    let ceilMode = try node.attributes.int("ceil_mode", default: 0) != 0
    let pads = try ConvGeometry.pads(
      of: &node, input: x, kernel: kernel, strides: strides, dilations: dilations)
    return PoolWindow(
      kernel: kernel, strides: strides, dilations: dilations, pads: pads, ceilMode: ceilMode)
  }

  func outputSize(height: Int, width: Int) -> (Int, Int) {
    (
      ConvGeometry.outputSize(
        height, kernel[0], strides[0], dilations[0], pads[0], pads[2], ceil: ceilMode),
      ConvGeometry.outputSize(
        width, kernel[1], strides[1], dilations[1], pads[1], pads[3], ceil: ceilMode)
    )
  }

  func outputShape(_ x: [Dim]) throws(NodeError) -> [Dim] {
    guard x.count == 4, let h = x[2].value, let w = x[3].value, x[1].value != nil else {
      throw .invalid("expected [N, C, H, W] with known C, H, W, got \(x.shapeDescription)")
    }
    let (oh, ow) = outputSize(height: h, width: w)
    guard oh > 0 && ow > 0 else { throw .invalid("a \(h)×\(w) input is smaller than the window") }
    return [x[0], x[1], Dim(oh), Dim(ow)]
  }

  /// Calls `body(outputIndex, inputIndices)` for every output pixel of one plane, with the input
  /// offsets (within the plane) its window covers inside the image, and the window's size
  /// clipped to the padded image (for `count_include_pad`).
  func forEachWindow(height: Int, width: Int, _ body: (Int, [Int], Int) -> Void) {
    let (oh, ow) = outputSize(height: height, width: width)
    var taps: [Int] = []
    taps.reserveCapacity(kernel[0] * kernel[1])
    for oy in 0..<oh {
      for ox in 0..<ow {
        taps.removeAll(keepingCapacity: true)
        let y0 = oy * strides[0] - pads[0]
        let x0 = ox * strides[1] - pads[1]
        let yEnd = min(y0 + (kernel[0] - 1) * dilations[0] + 1, height + pads[2])
        let xEnd = min(x0 + (kernel[1] - 1) * dilations[1] + 1, width + pads[3])
        let padded = (yEnd - y0) * (xEnd - x0)
        for ky in 0..<kernel[0] {
          let iy = y0 + ky * dilations[0]
          if iy < 0 || iy >= height { continue }
          for kx in 0..<kernel[1] {
            let ix = x0 + kx * dilations[1]
            if ix < 0 || ix >= width { continue }
            taps.append(iy * width + ix)
          }
        }
        body(oy * ow + ox, taps, padded)
      }
    }
  }
}
