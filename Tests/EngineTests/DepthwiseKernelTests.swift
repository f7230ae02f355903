import TestSupport
import Testing

@testable import Engine

@Suite("DepthwiseKernel")
struct DepthwiseKernelTests {
  @Test("the CKernels depthwise kernel (each instruction set) equals the reference on odd shapes")
  func matchesReference() {
    var rng = SeededRandom(seed: 43)
    var covered = 0
    for g in DepthwiseConvTests.cases + Self.extra where DepthwiseKernel.supports(g) {
      covered += 1
      let x = rng.tensor([g.batch, g.channels, g.height, g.width])
      let w = rng.tensor([g.channels, 1, g.kernelH, g.kernelW])
      let b = rng.tensor([g.channels])
      let planes = g.batch * g.channels
      for (bias, lo, hi) in [
        (nil, -Float.infinity, Float.infinity), (b.data, Float(0), Float(0.5)),
      ] {
        let ref = ConvReference.forward(
          x: x.data, g, weight: w.data, outChannels: g.channels, groups: g.channels, bias: bias
        ).map { min(max($0, lo), hi) }
        for isa in KernelISA.available {
          // From the second plane on, as a thread would: the channel index wraps.
          var y = [Float](repeating: .nan, count: (planes - 1) * g.outHeight * g.outWidth)
          var done = false
          x.data.withUnsafeBufferPointer { xp in
            w.data.withUnsafeBufferPointer { wp in
              (bias ?? []).withUnsafeBufferPointer { bp in
                y.withUnsafeMutableBufferPointer { yp in
                  guard let xb = xp.baseAddress, let wb = wp.baseAddress, let yb = yp.baseAddress
                  else { return }
                  done = DepthwiseKernel.forward(
                    xb + g.height * g.width, planes: planes - 1, g, weights: wb,
                    bias: bias == nil ? nil : bp.baseAddress, lower: lo, upper: hi, firstPlane: 1,
                    into: yb, isa: isa)
                }
              }
            }
          }
          #expect(done)
          let d = Difference(y, Array(ref[(g.outHeight * g.outWidth)...]))
          #expect(d.maxAbs < 1e-5, "\(isa) \(g) bias \(bias != nil): \(d)")
        }
      }
    }
    #expect(covered > 20)
  }

  /// More planes than a group of 8 (with a partial group) on outputs narrower than a vector
  /// (the channel-vectorised path), rows of 9–15, 14 and 28 columns (the last block moved
  /// left instead of a masked store), and wide stride-1 rows with left pads of 0–4 and a right
  /// edge on and off the block grid.
  static let extra: [ConvGeometry] = [
    (7, 7, 5, 1, (2, 2, 2, 2)), (14, 14, 5, 2, (1, 1, 2, 2)), (13, 13, 3, 2, (0, 0, 1, 1)),
    (20, 9, 3, 1, (1, 1, 1, 1)), (30, 28, 5, 1, (2, 2, 2, 2)), (6, 3, 7, 1, (3, 3, 3, 3)),
    (15, 29, 3, 2, (1, 0, 1, 1)), (10, 56, 3, 1, (1, 1, 1, 1)), (9, 45, 5, 1, (2, 2, 2, 2)),
    (8, 64, 7, 1, (3, 3, 3, 3)), (11, 40, 3, 1, (0, 0, 2, 2)), (5, 37, 5, 1, (1, 4, 3, 0)),
  ].map { h, w, k, s, p in
    ConvGeometry(
      batch: 3, channels: 5, height: h, width: w, kernelH: k, kernelW: k, strideH: s,
      strideW: s, dilationH: 1, dilationW: 1, padTop: p.0, padLeft: p.1, padBottom: p.2,
      padRight: p.3)
  }

  @Test("windows it does not handle are left to the Swift kernel")
  func unsupported() {
    let g = ConvGeometry(
      batch: 1, channels: 2, height: 9, width: 9, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
      dilationH: 2, dilationW: 2, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2)
    #expect(!DepthwiseKernel.supports(g))
    var s = g
    (s.dilationH, s.dilationW, s.strideH, s.strideW) = (1, 1, 3, 3)
    #expect(!DepthwiseKernel.supports(s))
    s.strideH = 2
    #expect(!DepthwiseKernel.supports(s))
    s.strideW = 2
    #expect(DepthwiseKernel.supports(s))
  }
}
