/// The sizes of one 2-D convolution or pooling window over an `[N, C, H, W]` input:
/// `OH = ⌊(H + padTop + padBottom − dilationH·(KH − 1) − 1) / strideH⌋ + 1` (and the same for W).
struct ConvGeometry: Equatable, Sendable {
  var batch: Int
  var channels: Int
  var height: Int
  var width: Int
  var kernelH: Int
  var kernelW: Int
  var strideH: Int
  var strideW: Int
  var dilationH: Int
  var dilationW: Int
  /// Pads in ONNX order `[top, left, bottom, right]`.
  var padTop: Int
  var padLeft: Int
  var padBottom: Int
  var padRight: Int

  var outHeight: Int {
    Self.outputSize(height, kernelH, strideH, dilationH, padTop, padBottom, ceil: false)
  }
  var outWidth: Int {
    Self.outputSize(width, kernelW, strideW, dilationW, padLeft, padRight, ceil: false)
  }

  /// One spatial output size; `ceil` rounds the division up (pooling's `ceil_mode`, where the
  /// last window must still start inside the input or the leading pad).
  static func outputSize(
    _ size: Int, _ kernel: Int, _ stride: Int, _ dilation: Int, _ before: Int, _ after: Int,
    ceil: Bool
  ) -> Int {
    let span = size + before + after - dilation * (kernel - 1) - 1
    guard span >= 0 else { return 0 }
    var out = (ceil ? (span + stride - 1) / stride : span / stride) + 1
    if ceil && (out - 1) * stride >= size + before { out -= 1 }
    return out
  }

  /// `auto_pad` SAME_UPPER / SAME_LOWER: pads that make `OH = ⌈H / stride⌉`, the odd pixel
  /// going after (UPPER, TensorFlow's "SAME") or before (LOWER).
  static func samePads(size: Int, kernel: Int, stride: Int, dilation: Int, upper: Bool) -> (
    Int, Int
  ) {
    let out = (size + stride - 1) / stride
    let total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    let small = total / 2
    return upper ? (small, total - small) : (total - small, small)
  }
}

extension ConvGeometry {
  /// The pads `[top, left, bottom, right]` of a Conv or pooling node: its `pads` attribute, or
  /// what `auto_pad` (`VALID`, `SAME_UPPER`, `SAME_LOWER`) implies for the input's spatial size.
  static func pads(
    of node: inout NodeContext, input x: [Dim], kernel: [Int], strides: [Int], dilations: [Int]
  ) throws(NodeError) -> [Int] {
    let autoPad = try node.attributes.string("auto_pad") ?? "NOTSET"
    var pads = try node.attributes.ints("pads") ?? [0, 0, 0, 0]
    guard pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else { throw .invalid("pads \(pads)") }
    switch autoPad {
    case "NOTSET": break
    case "VALID": pads = [0, 0, 0, 0]
    case "SAME_UPPER", "SAME_LOWER":
      guard x.count == 4, let h = x[2].value, let w = x[3].value else {
        throw .unsupported("auto_pad with a dynamic spatial size")
      }
      let upper = autoPad == "SAME_UPPER"
      let (t, b) = samePads(
        size: h, kernel: kernel[0], stride: strides[0], dilation: dilations[0], upper: upper)
      let (l, r) = samePads(
        size: w, kernel: kernel[1], stride: strides[1], dilation: dilations[1], upper: upper)
      pads = [t, l, b, r]
    default: throw .unsupported("auto_pad '\(autoPad)'")
    }
    return pads
  }
}
