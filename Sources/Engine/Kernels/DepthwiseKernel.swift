internal import CKernels

/// Direct depthwise convolution on the CKernels kernel (AVX2 + FMA where the CPU has them):
/// `y[p] = clamp(w[c] ⋆ x[p] + bias[c], lower, upper)` with `c = (firstPlane + p) mod C`, for
/// `planes` planes of `[H, W]` → `[OH, OW]`.
///
/// It covers square strides 1 and 2, dilation 1, kernels up to 7×7 and pads smaller than the
/// kernel (every depthwise layer of the reference models); ``DepthwiseConv`` (Swift SIMD) runs
/// the rest and stays the kernel the backward pass uses. ``ConvReference`` is what both are
/// tested against.
enum DepthwiseKernel {
  /// Whether ``forward(_:planes:_:weights:bias:lower:upper:firstPlane:into:isa:)`` handles `g`.
  static func supports(_ g: ConvGeometry) -> Bool {
    ck_depthwise_supported(
      g.kernelH, g.kernelW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft,
      g.padBottom, g.padRight) != 0
  }

  /// Writes `planes · OH · OW` outputs; returns false (writing nothing) when the geometry is not
  /// supported or its scratch plane cannot be allocated.
  /// - Parameters:
  ///   - weights: `[C, KH, KW]`.
  ///   - bias: `[C]` or nil.
  ///   - lower, upper: the fused activation's clamp (−∞, +∞ for none).
  static func forward(
    _ x: UnsafePointer<Float>, planes: Int, _ g: ConvGeometry,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    lower: Float = -.infinity, upper: Float = .infinity, firstPlane: Int = 0,
    into y: UnsafeMutablePointer<Float>, isa: KernelISA = .best
  ) -> Bool {
    guard supports(g) else { return false }
    return ck_depthwise(
      isa.rawValue, x, planes, g.channels, firstPlane, g.height, g.width, g.kernelH, g.kernelW,
      g.strideH, g.padTop, g.padLeft, g.outHeight, g.outWidth, weights, bias, lower, upper, y)
      == 0
  }
}
