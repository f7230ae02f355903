import Testing

@testable import Engine

@Suite("PackedWeights")
struct PackedWeightsTests {
  /// `(M, K, HW, images)`: rows not a multiple of the 6-row panel, columns not a multiple of the
  /// 16-column tile (and tiles that straddle two images), K = 1, HW = 1, K past one 256-deep
  /// block, the 7×7 and 14×14 maps of EfficientNet-Lite0.
  static let shapes: [(Int, Int, Int, Int)] = [
    (1, 1, 1, 1), (6, 1, 16, 1), (7, 5, 49, 2), (13, 300, 17, 3), (17, 1, 33, 2), (32, 27, 100, 1),
    (5, 257, 50, 1), (24, 16, 1, 8), (12, 600, 49, 3), (96, 16, 196, 1), (2, 9, 7, 5),
    (40, 24, 200, 2),
  ]

  @Test("the packed GEMM (AVX2 and portable) equals the reference, with and without bias and clamp")
  func matchesReference() {
    var rng = SeededRandom(seed: 41)
    for (m, k, hw, images) in Self.shapes {
      let w = rng.tensor([m, k]).data
      let x = rng.tensor([images, k, hw]).data
      let b = rng.tensor([m]).data
      let packed = PackedWeights(w, rows: m, depth: k)
      for (bias, lo, hi) in [(nil, -Float.infinity, Float.infinity), (b, Float(0), Float(0.25))] {
        var expected = [Float](repeating: 0, count: images * m * hw)
        for n in 0..<images {
          var c = [Float](repeating: 0, count: m * hw)
          GEMM.reference(
            m: m, n: hw, k: k, a: w, lda: k, b: Array(x[(n * k * hw)..<((n + 1) * k * hw)]),
            ldb: hw, c: &c, ldc: hw)
          for o in 0..<m {
            for p in 0..<hw {
              let v = c[o * hw + p] + (bias?[o] ?? 0)
              expected[(n * m + o) * hw + p] = min(max(v, lo), hi)
            }
          }
        }
        for isa in [KernelISA.portable, .best] {
          var y = [Float](repeating: .nan, count: images * m * hw)
          x.withUnsafeBufferPointer { xp in
            (bias ?? []).withUnsafeBufferPointer { bp in
              y.withUnsafeMutableBufferPointer { yp in
                guard let xb = xp.baseAddress, let yb = yp.baseAddress else { return }
                packed.apply(
                  xb, hw: hw, images: images, xImageStride: k * hw,
                  bias: bias == nil ? nil : bp.baseAddress, lower: lo, upper: hi, into: yb,
                  yImageStride: m * hw, isa: isa)
              }
            }
          }
          let d = Difference(y, expected)
          #expect(
            d.maxAbs < 1e-4, "\(isa) M \(m) K \(k) HW \(hw) ×\(images) bias \(bias != nil): \(d)")
        }
      }
    }
  }
}
