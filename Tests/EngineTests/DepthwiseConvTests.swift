import TestSupport
import Testing

@testable import Engine

@Suite("DepthwiseConv")
struct DepthwiseConvTests {
  /// Odd sizes, kernels, strides, dilations and asymmetric pads (TF "SAME" included).
  static let cases: [ConvGeometry] = {
    var out: [ConvGeometry] = []
    let shapes = [(1, 1), (2, 3), (5, 7), (7, 7), (9, 13), (14, 14), (17, 11), (23, 30)]
    var i = 0
    for (h, w) in shapes {
      for (k, s, d) in [
        (1, 1, 1), (3, 1, 1), (3, 2, 1), (5, 2, 1), (5, 1, 1), (3, 3, 1), (3, 1, 2), (3, 2, 2),
      ] {
        let pads = [(0, 0, 0, 0), (1, 1, 1, 1), (0, 0, 1, 1), (1, 1, 2, 2), (2, 0, 1, 3)][i % 5]
        i += 1
        let g = ConvGeometry(
          batch: 2, channels: 3, height: h, width: w, kernelH: k, kernelW: k, strideH: s,
          strideW: s,
          dilationH: d, dilationW: d, padTop: pads.0, padLeft: pads.1, padBottom: pads.2,
          padRight: pads.3)
        if g.outHeight > 0 && g.outWidth > 0 { out.append(g) }
      }
    }
    return out
  }()

  @Test("the SIMD kernel equals the direct reference, forward and backward, on odd shapes")
  func matchesReference() {
    var rng = SeededRandom(seed: 5)
    for g in Self.cases {
      let x = rng.tensor([g.batch, g.channels, g.height, g.width])
      let w = rng.tensor([g.channels, 1, g.kernelH, g.kernelW])
      let b = rng.tensor([g.channels])
      let planes = g.batch * g.channels
      var y = [Float](repeating: .nan, count: planes * g.outHeight * g.outWidth)
      x.data.withUnsafeBufferPointer { xp in
        w.data.withUnsafeBufferPointer { wp in
          b.data.withUnsafeBufferPointer { bp in
            y.withUnsafeMutableBufferPointer { yp in
              if let xb = xp.baseAddress, let wb = wp.baseAddress, let yb = yp.baseAddress {
                DepthwiseConv.forward(
                  xb, planes: planes, g, weights: wb, bias: bp.baseAddress, into: yb)
              }
            }
          }
        }
      }
      let ref = ConvReference.forward(
        x: x.data, g, weight: w.data, outChannels: g.channels, groups: g.channels, bias: b.data)
      let d = Difference(y, ref)
      #expect(d.maxAbs < 1e-5, "forward \(g): \(d)")

      let dy = rng.tensor([planes * g.outHeight * g.outWidth])
      var dx = [Float](repeating: .nan, count: x.count)
      dy.data.withUnsafeBufferPointer { gp in
        w.data.withUnsafeBufferPointer { wp in
          dx.withUnsafeMutableBufferPointer { dp in
            if let gb = gp.baseAddress, let wb = wp.baseAddress, let db = dp.baseAddress {
              DepthwiseConv.backwardInput(gb, planes: planes, g, weights: wb, into: db)
            }
          }
        }
      }
      let refDx = ConvReference.backwardInput(
        dy: dy.data, g, weight: w.data, outChannels: g.channels, groups: g.channels)
      let e = Difference(dx, refDx)
      #expect(e.maxAbs < 1e-5, "backward \(g): \(e)")
    }
  }

  @Test("the fused clamp equals clamping the reference")
  func clamps() {
    var rng = SeededRandom(seed: 6)
    let g = ConvGeometry(
      batch: 1, channels: 4, height: 9, width: 10, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2,
      dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0, padBottom: 1, padRight: 1)
    let x = rng.tensor([1, 4, 9, 10], in: -3...3)
    let w = rng.tensor([4, 1, 3, 3])
    var y = [Float](repeating: 0, count: 4 * g.outHeight * g.outWidth)
    x.data.withUnsafeBufferPointer { xp in
      w.data.withUnsafeBufferPointer { wp in
        y.withUnsafeMutableBufferPointer { yp in
          if let xb = xp.baseAddress, let wb = wp.baseAddress, let yb = yp.baseAddress {
            DepthwiseConv.forward(
              xb, planes: 4, g, weights: wb, bias: nil, lower: 0, upper: 1, into: yb)
          }
        }
      }
    }
    let ref = ConvReference.forward(
      x: x.data, g, weight: w.data, outChannels: 4, groups: 4, bias: nil
    ).map { min(max($0, 0), 1) }
    #expect(Difference(y, ref).maxAbs < 1e-5)
    #expect(y.contains(0) && y.contains(1), "the test must exercise both bounds")
  }
}
