internal import CKernels

/// A network's stem — a k×k `Conv` of an input with few channels — and the inverted-residual
/// block without expand that reads it, run together by bands of output rows
/// (``FuseInvertedResidual``).
///
/// Run one after the other, the stem writes its whole output (32 planes of 112×112 for
/// EfficientNet-Lite0 and MobileNetV2: 1.6 MB, past L2) before the block's depthwise reads it
/// back, mostly from L3 and memory once the other steps have passed through the caches. Here
/// each band of ``bandRows`` block output rows first has the stem compute the input rows its
/// depthwise needs that are not computed yet, so the depthwise reads rows just written, still in
/// L1 and L2. The stem's rows go to one image's scratch (a thread's own when the threads share
/// an image by rows, so rows at the edge of two threads' bands are computed by both, each into
/// its own memory). Backward is not supported: like ``InvertedResidual`` it runs only in plans
/// that need no gradient through it.
struct StemBlock: Operator {
  let stem: Conv
  /// An ``InvertedResidual`` without expand and without residual.
  let block: InvertedResidual

  init(stem: Conv, block: InvertedResidual) {
    precondition(
      block.expand == nil && !block.project.addsResidual, "a stem block has no expand nor residual")
    self.stem = stem
    self.block = block
  }

  /// Block output rows per band.
  ///
  /// The stem and first block of EfficientNet-Lite0 (3 → 32 → 16 at 112×112) in a C harness,
  /// with the caches flushed before each run as the rest of a forward pass does, median of 300:
  /// one after the other 1.65 ms, bands of 8 rows 1.27, of 16 1.54. In the model (batch 1, one
  /// thread, 200 alternating passes) bands of 4, 12 and 16 rows were within 1 % of 8.
  static let bandRows = 8

  /// Whether the direct stem kernel (`ck_conv_small`) runs `stem` on an input of `channels`
  /// channels on this CPU: group 1, at most 64 taps, square stride 1 or 2, no dilation, AVX2.
  static func handles(_ stem: Conv, channels: Int) -> Bool {
    let (k, strides, dilations) = (stem.kernel, stem.strides, stem.dilations)
    return stem.group == 1 && stem.packed != nil && KernelISA.best.hasAVX2
      && ck_conv_small_supported(
        channels, k[0], k[1], strides[0], strides[1], dilations[0], dilations[1]) != 0
  }

  func outputShapes(_ inputs: [[Dim]]) throws(NodeError) -> [[Dim]] {
    guard inputs.count == 1 else { throw .invalid("expected 1 runtime input, got \(inputs.count)") }
    return try block.outputShapes(stem.outputShapes(inputs))
  }

  func forward(_ inputs: [Tensor]) -> [Tensor] {
    let x = inputs[0]
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let sg = stem.geometry([n, c, h, w])
    let mid = stem.outChannels
    let g = block.depthwise.geometry([n, mid, sg.outHeight, sg.outWidth])
    let (oh, ow, cout) = (g.outHeight, g.outWidth, block.project.outChannels)
    let byImages = n >= Parallel.threads
    guard let packed = stem.packed, Self.handles(stem, channels: c),
      byImages || oh / InvertedResidual.rowsPerThread >= Parallel.threads
    else {
      // No direct stem kernel on this CPU, or too little to share: one after the other.
      let s = stem.forward([x])[0]
      defer { BufferPool.shared.give(s.data) }
      return block.forward([s])
    }
    let y = Tensor(shape: [n, cout, oh, ow]) { out in
      guard let yp = out.baseAddress else { return }
      (stem.bias ?? []).withUnsafeBufferPointer { sb in
        packed.data.withUnsafeBufferPointer { ab in
          x.data.withUnsafeBufferPointer { xb in
            guard let ap = ab.baseAddress, let xp = xb.baseAddress else { return }
            let bias = stem.bias == nil ? nil : sb.baseAddress
            nonisolated(unsafe) let (a, b, input, y) = (ap, bias, xp, yp)
            Parallel.forEachRange(byImages ? n : oh, minimum: byImages ? 1 : 8) { r in
              for image in byImages ? r : 0..<n {
                runBands(
                  input + image * c * h * w, sg, g, weights: a, bias: b,
                  rows: byImages ? 0..<oh : r,
                  into: y + image * cout * oh * ow)
              }
            }
          }
        }
      }
    }
    return [y]
  }

  /// Output rows `rows` of one image, band by band, on this thread's scratch: the stem's whole
  /// output image (only the rows the bands read are written) and the depthwise's strip.
  private func runBands(
    _ x: UnsafePointer<Float>, _ sg: ConvGeometry, _ g: ConvGeometry,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, rows: Range<Int>,
    into y: UnsafeMutablePointer<Float>
  ) {
    let mid = stem.outChannels
    let stemImage = mid * sg.outHeight * sg.outWidth
    let lo = stem.activation?.lower ?? -.infinity
    let hi = stem.activation?.upper ?? .infinity
    let band = Self.bandRows
    Scratch.shared.withFloats(stemImage + mid * band * g.outWidth) { scratch in
      // Stem rows below `done` are computed.
      var done = 0
      for o0 in stride(from: rows.lowerBound, to: rows.upperBound, by: band) {
        let o1 = min(o0 + band, rows.upperBound)
        // The stem rows the band's depthwise reads.
        let first = max(0, o0 * g.strideH - g.padTop)
        let need = min(sg.outHeight, (o1 - 1) * g.strideH - g.padTop + g.kernelH)
        done = max(done, first)
        if need > done {
          let status = ck_conv_small(
            weights, mid, sg.channels, sg.height, sg.width, sg.kernelH, sg.kernelW, sg.strideH,
            sg.padTop, sg.padLeft, sg.outHeight, sg.outWidth, x, done, need, bias, lo, hi,
            scratch)
          precondition(status == 0, "StemBlock: the stem kernel failed")
          done = need
        }
        block.runRows(
          scratch, h: sg.outHeight, w: sg.outWidth, images: 0..<1, rows: o0..<o1, strip: band,
          depthwiseScratch: scratch + stemImage, into: y)
      }
    }
  }

  func backward(_ step: BackwardStep) -> [Tensor?] {
    preconditionFailure("StemBlock runs only in plans that need no gradient through it")
  }
}
