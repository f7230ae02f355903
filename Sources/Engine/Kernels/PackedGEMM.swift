internal import CKernels
import Synchronization

/// The instruction set the CKernels kernels run with.
enum KernelISA: Int32, Sendable {
  /// Plain C (what any CPU runs; the tests compare it with the fast path).
  case portable = 0
  /// 256-bit AVX2 with fused multiply-add.
  case avx2FMA = 1
  /// 512-bit AVX-512 F where a kernel has such a path, AVX2 + FMA where it does not.
  case avx512 = 2

  /// The best this CPU supports (CPUID and the OS's YMM and ZMM state, checked once), capped by
  /// `CAMVIDEO_KERNELS` (`portable`, `avx2`, `avx512`) when that is set.
  static let best = KernelISA(rawValue: ck_isa()) ?? .portable

  /// Every path this CPU runs, the plain C one first: what the tests compare.
  static var available: [KernelISA] { [.portable, .avx2FMA, .avx512].filter { $0 <= best } }

  /// Whether the AVX2 + FMA kernels (and so every vectorised one) run.
  var hasAVX2: Bool { self >= .avx2FMA }
}

extension KernelISA: Comparable {
  static func < (a: KernelISA, b: KernelISA) -> Bool { a.rawValue < b.rawValue }
}

/// A convolution's weights as the matrix `A [M × K]` (`K = C·KH·KW`) packed once at load into the
/// panel layout of the CKernels GEMM (panels of 6 rows stored k-major, zero rows past `M`).
///
/// ``apply(_:hw:images:xImageStride:bias:lower:upper:into:yImageStride:isa:)`` computes, for an
/// NCHW-style right-hand side whose columns are the pixels of `images` images,
/// `y[n, m, p] = clamp(bias[m] + Σ_k A[m, k] · x[n, k, p], lower, upper)` in one pass: bias and
/// clamp live in the micro-kernel's epilogue, so the output is written once.
/// ``applyConvolution(_:_:bias:lower:upper:into:isa:)`` does the same for a k×k convolution,
/// unfolding its input on the fly.
struct PackedWeights: Sendable {
  /// `M`.
  let rows: Int
  /// `K`.
  let depth: Int
  let data: [Float]

  /// Packs the row-major `rows × depth` matrix `a` (row stride `depth`).
  init(_ a: [Float], rows: Int, depth: Int) {
    precondition(a.count >= rows * depth, "\(a.count) weights for \(rows)×\(depth)")
    self.rows = rows
    self.depth = depth
    let count = ck_packed_weights_count(rows, depth)
    data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      a.withUnsafeBufferPointer { ab in
        if let ap = ab.baseAddress, let out = buffer.baseAddress {
          ck_pack_weights(rows, depth, ap, depth, out)
        }
      }
      initialized = count
    }
  }

  /// `y[n, m, p] = clamp(bias[m] + Σ_k A[m, k] · x[n, k, p], lower, upper)`.
  ///
  /// - Parameters:
  ///   - x: `images` blocks of `[K, hw]` at `xImageStride` floats apart.
  ///   - bias: `[M]` or nil.
  ///   - residual: nil, or a tensor laid out as `y` added after the clamp (a fused `Add`).
  ///   - y: `images` blocks of `[M, hw]` at `yImageStride` floats apart.
  func apply(
    _ x: UnsafePointer<Float>, hw: Int, images: Int, xImageStride: Int,
    bias: UnsafePointer<Float>?, lower: Float, upper: Float, residual: UnsafePointer<Float>? = nil,
    into y: UnsafeMutablePointer<Float>, yImageStride: Int, isa: KernelISA = .best
  ) {
    // The parts write disjoint outputs and only read the inputs.
    nonisolated(unsafe) let (xp, bp, rp, yp) = (x, bias, residual, y)
    let (m, k, isaRaw) = (rows, depth, isa.rawValue)
    split(columns: hw * images) { a, r0, r1, c0, c1 in
      ck_gemm_packed(
        isaRaw, a, m, k, xp, hw, xImageStride, r0, r1, c0, c1, bp, lower, upper, rp, yp,
        yImageStride)
    }
  }

  /// The convolution `y[n, m] = clamp(bias[m] + Σ_{c, ky, kx} w[m, c, ky, kx] · x[n, c, …],
  /// lower, upper)` (group 1, weights packed as `M × C·KH·KW`) read straight from the input:
  /// the im2col matrix is unfolded block by block into the GEMM's packing buffer, never whole.
  ///
  /// - Parameters:
  ///   - x: `[N, C, H, W]` as in `g`.
  ///   - bias: `[M]` or nil.
  ///   - residual: nil, or an `[N, M, OH, OW]` tensor added after the clamp (a fused `Add`).
  ///   - y: `[N, M, OH, OW]`.
  func applyConvolution(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, bias: UnsafePointer<Float>?, lower: Float,
    upper: Float, residual: UnsafePointer<Float>? = nil, into y: UnsafeMutablePointer<Float>,
    isa: KernelISA = .best
  ) {
    precondition(depth == g.channels * g.kernelH * g.kernelW, "weights do not match \(g)")
    nonisolated(unsafe) let (xp, bp, rp, yp) = (x, bias, residual, y)
    let (m, isaRaw) = (rows, isa.rawValue)
    let (oh, ow) = (g.outHeight, g.outWidth)
    split(columns: oh * ow * g.batch) { a, r0, r1, c0, c1 in
      ck_conv_packed(
        isaRaw, a, m, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW,
        g.dilationH, g.dilationW, g.padTop, g.padLeft, oh, ow, xp,
        g.channels * g.height * g.width, r0, r1, c0, c1, bp, lower, upper, rp, yp, m * oh * ow)
    }
  }

  /// ``applyConvolution(_:_:bias:lower:upper:residual:into:isa:)`` for an input of few channels
  /// (a stem) with the CKernels direct kernel, output rows split over the compute threads.
  ///
  /// - Returns: false, with nothing written, when the kernel does not handle the convolution
  ///   (see `ck_conv_small_supported`) or the CPU (no AVX2 + FMA).
  func applySmallConvolution(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, bias: UnsafePointer<Float>?, lower: Float,
    upper: Float, into y: UnsafeMutablePointer<Float>
  ) -> Bool {
    precondition(depth == g.channels * g.kernelH * g.kernelW, "weights do not match \(g)")
    guard KernelISA.best.hasAVX2,
      ck_conv_small_supported(
        g.channels, g.kernelH, g.kernelW, g.strideH, g.strideW, g.dilationH, g.dilationW) != 0
    else { return false }
    let (m, oh, ow) = (rows, g.outHeight, g.outWidth)
    let (inImage, outImage) = (g.channels * g.height * g.width, m * oh * ow)
    let failed = Atomic<Bool>(false)
    data.withUnsafeBufferPointer { ab in
      guard let a = ab.baseAddress else { return }
      // The parts write disjoint output rows and only read the inputs.
      nonisolated(unsafe) let (ap, xp, bp, yp) = (a, x, bias, y)
      Parallel.forEachRange(g.batch * oh, minimum: 8) { r in
        var row = r.lowerBound
        while row < r.upperBound {
          let (n, oy) = row.quotientAndRemainder(dividingBy: oh)
          let end = min(r.upperBound, (n + 1) * oh) - n * oh
          let status = ck_conv_small(
            ap, m, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.padTop,
            g.padLeft, oh, ow, xp + n * inImage, oy, end, bp, lower, upper, yp + n * outImage)
          if status != 0 { failed.store(true, ordering: .relaxed) }
          row = n * oh + end
        }
      }
    }
    return !failed.load(ordering: .relaxed)
  }

  /// Calls `body(packed, rowBegin, rowEnd, columnBegin, columnEnd)` on disjoint parts of the
  /// `rows × columns` output, one per compute thread (``Parallel``): 16-column blocks when the
  /// images are large, 6-row panels when they are small (7×7 maps: many rows, few columns).
  private func split(
    columns: Int, _ body: @Sendable (UnsafePointer<Float>, Int, Int, Int, Int) -> Void
  ) {
    guard columns > 0 && rows > 0 else { return }
    let panels = (rows + 5) / 6
    let blocks = (columns + 15) / 16
    let byColumns = blocks >= 2 * panels
    let (m, k) = (rows, depth)
    data.withUnsafeBufferPointer { ab in
      guard let a = ab.baseAddress else { return }
      nonisolated(unsafe) let ap = a
      // At least ~64 K multiply-adds per part, so tiny products stay on one thread.
      let work = max(1, 65_536 / max(1, k * (byColumns ? 16 * m : 6 * columns)))
      Parallel.forEachRange(byColumns ? blocks : panels, minimum: work) { r in
        if byColumns {
          body(ap, 0, m, r.lowerBound * 16, min(columns, r.upperBound * 16))
        } else {
          body(ap, r.lowerBound * 6, min(m, r.upperBound * 6), 0, columns)
        }
      }
    }
  }
}
