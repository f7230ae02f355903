import TestSupport
import Testing

@testable import Engine

@Suite("PackedWeights")
struct PackedWeightsTests {
  /// `(M, K, HW, images)`: rows not a multiple of the 6-row panel, columns not a multiple of the
  /// 16-column tile (and tiles that straddle two images), tails of 1–4 columns (the column
  /// kernel, with K not a multiple of its unrolling and K past one depth block), K = 1, HW = 1,
  /// the 7×7 and 14×14 maps of EfficientNet-Lite0; images of 512 pixels or more with K ≤ 256
  /// (read in place, no packing) with tails, partial panels and batches; on AVX-512, 32-column
  /// tiles of two micro-panels, alone, after one of 16, and over several depth blocks (K 1000
  /// on 400 columns), and 48-column tiles with a tail of 1–4 columns (7×7 and 14×14 maps, over
  /// two depth blocks, with a partial panel) or without (an image's tail in the next image).
  static let shapes: [(Int, Int, Int, Int)] = [
    (1, 1, 1, 1), (6, 1, 16, 1), (7, 5, 49, 2), (13, 300, 17, 3), (17, 1, 33, 2), (32, 27, 100, 1),
    (5, 257, 50, 1), (24, 16, 1, 8), (12, 600, 49, 3), (96, 16, 196, 1), (2, 9, 7, 5),
    (40, 24, 200, 2), (32, 1151, 49, 1), (7, 1300, 33, 1), (13, 20, 530, 3), (16, 32, 1024, 2),
    (7, 256, 515, 1), (25, 257, 600, 2), (9, 1000, 400, 1),
    (7, 1300, 49, 1), (13, 100, 196, 1), (5, 40, 51, 2),
  ]

  @Test("the packed GEMM (each instruction set) equals the reference, with and without clamp")
  func matchesReference() {
    var rng = SeededRandom(seed: 41)
    for (m, k, hw, images) in Self.shapes {
      let w = rng.tensor([m, k]).data
      let x = rng.tensor([images, k, hw]).data
      let b = rng.tensor([m]).data
      let packed = PackedWeights(w, rows: m, depth: k)
      let r = rng.tensor([images, m, hw]).data
      for (bias, lo, hi, residual) in [
        (nil, -Float.infinity, Float.infinity, false), (b, Float(0), Float(0.25), false),
        (b, -Float.infinity, Float.infinity, true),
      ] {
        var expected = [Float](repeating: 0, count: images * m * hw)
        for n in 0..<images {
          var c = [Float](repeating: 0, count: m * hw)
          GEMM.reference(
            m: m, n: hw, k: k, a: w, lda: k, b: Array(x[(n * k * hw)..<((n + 1) * k * hw)]),
            ldb: hw, c: &c, ldc: hw)
          for o in 0..<m {
            for p in 0..<hw {
              let v = c[o * hw + p] + (bias?[o] ?? 0)
              let i = (n * m + o) * hw + p
              expected[i] = min(max(v, lo), hi) + (residual ? r[i] : 0)
            }
          }
        }
        for isa in KernelISA.available {
          var y = [Float](repeating: .nan, count: images * m * hw)
          x.withUnsafeBufferPointer { xp in
            (bias ?? []).withUnsafeBufferPointer { bp in
              r.withUnsafeBufferPointer { rp in
                y.withUnsafeMutableBufferPointer { yp in
                  guard let xb = xp.baseAddress, let yb = yp.baseAddress else { return }
                  packed.apply(
                    xb, hw: hw, images: images, xImageStride: k * hw,
                    bias: bias == nil ? nil : bp.baseAddress, lower: lo, upper: hi,
                    residual: residual ? rp.baseAddress : nil, into: yb, yImageStride: m * hw,
                    isa: isa)
                }
              }
            }
          }
          let d = Difference(y, expected)
          #expect(
            d.maxAbs < 1e-4,
            "\(isa) M \(m) K \(k) HW \(hw) ×\(images) bias \(bias != nil) residual \(residual): \(d)"
          )
        }
      }
    }
  }

  /// Group-1 convolutions through the implicit im2col: strides, dilations, asymmetric pads,
  /// batches, output rows of exactly 16 (the whole-row copy path, with padding columns at
  /// either end and the stride-2 gather) and not, 1×1 with stride.
  static let convolutions: [ConvGeometry] = [
    (2, 3, 11, 13, 3, 2, 1, (0, 0, 1, 1)), (1, 3, 33, 32, 3, 1, 1, (1, 1, 1, 1)),
    (2, 3, 34, 36, 3, 2, 1, (0, 1, 1, 2)), (1, 4, 9, 8, 3, 1, 2, (2, 1, 2, 1)),
    (1, 2, 10, 7, 5, 3, 1, (1, 2, 2, 1)), (3, 5, 6, 6, 1, 2, 1, (1, 1, 0, 0)),
    (1, 1, 1, 1, 1, 1, 1, (0, 0, 0, 0)), (1, 7, 20, 40, 3, 2, 1, (1, 1, 1, 1)),
    (2, 3, 31, 64, 3, 2, 1, (1, 1, 1, 1)), (1, 3, 20, 32, 3, 2, 1, (0, 0, 1, 1)),
    (1, 2, 9, 35, 5, 2, 1, (2, 3, 2, 2)),
  ].map { n, c, h, w, k, s, d, p in
    ConvGeometry(
      batch: n, channels: c, height: h, width: w, kernelH: k, kernelW: k, strideH: s,
      strideW: s, dilationH: d, dilationW: d, padTop: p.0, padLeft: p.1, padBottom: p.2,
      padRight: p.3)
  }

  /// Random weights `[m, C·KH·KW]`, input and bias for a convolution of geometry `g`, and the
  /// weights packed.
  static func convolution(_ g: ConvGeometry, outChannels m: Int, _ rng: inout SeededRandom) -> (
    weights: [Float], input: [Float], bias: [Float], packed: PackedWeights
  ) {
    let depth = g.channels * g.kernelH * g.kernelW
    let w = rng.tensor([m, depth]).data
    let x = rng.tensor([g.batch, g.channels, g.height, g.width]).data
    let b = rng.tensor([m]).data
    return (w, x, b, PackedWeights(w, rows: m, depth: depth))
  }

  @Test("the implicit-im2col convolution (each instruction set) equals the direct reference")
  func convolutionMatchesReference() {
    var rng = SeededRandom(seed: 47)
    for g in Self.convolutions {
      for m in [1, 13, 32] {
        let (w, x, b, packed) = Self.convolution(g, outChannels: m, &rng)
        let ref = ConvReference.forward(x: x, g, weight: w, outChannels: m, groups: 1, bias: b)
          .map { min(max($0, -0.5), 0.5) }
        for isa in KernelISA.available {
          var y = [Float](repeating: .nan, count: ref.count)
          x.withUnsafeBufferPointer { xp in
            b.withUnsafeBufferPointer { bp in
              y.withUnsafeMutableBufferPointer { yp in
                guard let xb = xp.baseAddress, let yb = yp.baseAddress else { return }
                packed.applyConvolution(
                  xb, g, bias: bp.baseAddress, lower: -0.5, upper: 0.5, into: yb, isa: isa)
              }
            }
          }
          let d = Difference(y, ref)
          #expect(d.maxAbs < 1e-4, "\(isa) M \(m) \(g): \(d)")
        }
      }
    }
  }

  @Test("the direct kernel for few channels gives the implicit-im2col convolution's outputs")
  func smallConvolutionMatchesGEMM() {
    var rng = SeededRandom(seed: 53)
    var ran = 0
    // The stem's geometry, stride 1 and 2, kernels 1 to 7, one-sided pads, widths off the
    // 16-column tiles, channel counts off the 6-row panels.
    let stem = ConvGeometry(
      batch: 2, channels: 3, height: 224, width: 224, kernelH: 3, kernelW: 3, strideH: 2,
      strideW: 2, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0, padBottom: 1, padRight: 1)
    for g in Self.convolutions + [stem] {
      for m in [1, 13, 32] {
        let (_, x, b, packed) = Self.convolution(g, outChannels: m, &rng)
        let depth = g.channels * g.kernelH * g.kernelW
        var direct = [Float](repeating: .nan, count: g.batch * m * g.outHeight * g.outWidth)
        var gemm = direct
        var handled = false
        x.withUnsafeBufferPointer { xp in
          b.withUnsafeBufferPointer { bp in
            guard let xb = xp.baseAddress else { return }
            direct.withUnsafeMutableBufferPointer { yp in
              guard let yb = yp.baseAddress else { return }
              handled = packed.applySmallConvolution(
                xb, g, bias: bp.baseAddress, lower: -0.5, upper: 0.5, into: yb)
            }
            gemm.withUnsafeMutableBufferPointer { yp in
              guard let yb = yp.baseAddress else { return }
              packed.applyConvolution(
                xb, g, bias: bp.baseAddress, lower: -0.5, upper: 0.5, into: yb)
            }
          }
        }
        let supported =
          depth <= 64 && g.dilationH == 1 && (g.strideH == 1 || g.strideH == 2)
        #expect(handled == (supported && KernelISA.best.hasAVX2), "M \(m) \(g)")
        guard handled else { continue }
        ran += 1
        // The same sums in the same order, except where the GEMM's tail columns interleave them.
        let d = Difference(direct, gemm)
        #expect(d.maxAbs < 1e-5, "M \(m) \(g): \(d)")
      }
    }
    if KernelISA.best.hasAVX2 { #expect(ran >= 9) }
  }
}
