/// ONNX `Conv` (2-D): `y[n, m] = b[m] + Σ_{c ∈ group(m)} w[m, c] ⋆ x[n, c]`.
///
/// Shapes: `x [N, C, H, W]`, `w [M, C/group, KH, KW]` (constant), optional `b [M]` (constant),
/// `y [N, M, OH, OW]` with `OH = ⌊(H + padTop + padBottom − dilation·(KH − 1) − 1) / stride⌋ + 1`.
/// Attributes: `auto_pad` (NOTSET, SAME_UPPER, SAME_LOWER, VALID), `dilations`, `group`,
/// `kernel_shape`, `pads` (`[top, left, bottom, right]`), `strides`.
///
/// Kernels: depthwise (`group = C = M`) runs the direct AVX2 kernel (``DepthwiseKernel``, the
/// Swift SIMD one where it does not apply); `group = 1` runs the packed GEMM (``PackedWeights``,
/// weights packed at load, bias and activation in its epilogue): 1×1 stride-1 unpadded
/// convolutions directly (`Y = W · X`, the batch as one product), others with im2col done
/// block by block inside the GEMM. Grouped
/// convolutions unfold with im2col and multiply per group on `sgemm`. Backward (input only): `dX = Wᵀ · dY` through the same paths (col2im
/// for the general case, a transposed depthwise pass for depthwise).
///
/// A following `Relu` or `Clip` may be fused at load (``activation``): `y = clamp(conv(x), lo,
/// hi)` in the same pass; its backward first masks `dy` where `lo < y < hi` (exact, since `y`
/// equals the pre-activation exactly there), with guided backpropagation's rule for rectifiers.
///
/// A following same-shape `Add` may be fused into the logits-only plan (``addsResidual``,
/// ``FuseResidualAdd``): `y = conv(x) + r` with `r` a second runtime input, added as the packed
/// GEMM stores each tile (a separate pass on the other paths). Its backward passes `dy` to `r`.
struct Conv: Operator {
  /// `[M, C/group, KH, KW]`.
  let weight: Tensor
  /// `[M]`.
  var bias: [Float]?
  let group: Int
  var strides: [Int]
  var dilations: [Int]
  /// `[top, left, bottom, right]`.
  var pads: [Int]
  /// A fused `Relu` / `Clip` after the convolution.
  var activation: Clip?
  /// Whether a second runtime input (of the output's shape) is added to the output: a fused
  /// residual `Add` (only without ``activation``).
  private(set) var addsResidual = false
  /// The weights as the `M × C·KH·KW` matrix packed for the CKernels GEMM (`group == 1`).
  let packed: PackedWeights?

  init(
    weight: Tensor, bias: [Float]?, group: Int, strides: [Int], dilations: [Int], pads: [Int],
    activation: Clip? = nil
  ) {
    self.weight = weight
    self.bias = bias
    self.group = group
    self.strides = strides
    self.dilations = dilations
    self.pads = pads
    self.activation = activation
    let m = weight.shape.first ?? 0
    packed =
      group == 1 && weight.rank == 4 && m > 0
      ? PackedWeights(weight.data, rows: m, depth: weight.count / m) : nil
  }

  var outChannels: Int { weight.shape[0] }
  var kernel: [Int] { [weight.shape[2], weight.shape[3]] }

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(2...3)
    let x = try node.shape(0)
    let weight = try node.floatConstant(1, "weight")
    guard x.count == 4 else { throw .unsupported("\(x.count - 2)-D convolution (only 2-D)") }
    guard weight.rank == 4 else { throw .invalid("weight has rank \(weight.rank)") }
    var bias: [Float]?
    if node.has(2) {
      let b = try node.floatConstant(2, "bias")
      guard b.count == weight.shape[0] else {
        throw .invalid("bias has \(b.count) values for \(weight.shape[0]) channels")
      }
      bias = b.data
    }
    let group = try node.attributes.int("group", default: 1)
    let kernel = try node.attributes.ints("kernel_shape") ?? [weight.shape[2], weight.shape[3]]
    guard kernel == [weight.shape[2], weight.shape[3]] else {
      throw .invalid("kernel_shape \(kernel) does not match the weight \(weight.shape)")
    }
    let strides = try node.attributes.ints("strides") ?? [1, 1]
    let dilations = try node.attributes.ints("dilations") ?? [1, 1]
    guard strides.count == 2, dilations.count == 2, strides.allSatisfy({ $0 > 0 }),
      dilations.allSatisfy({ $0 > 0 })
    else {
      throw .invalid("strides \(strides), dilations \(dilations)")
    }
    let pads = try ConvGeometry.pads(
      of: &node, input: x, kernel: kernel, strides: strides, dilations: dilations)
    let conv = Conv(
      weight: weight, bias: bias, group: group, strides: strides, dilations: dilations, pads: pads)
    let out = try conv.outputShapes([x])[0]
    // The im2col matrix of one image: (C/group · KH · KW) × (OH · OW).
    if !conv.isDepthwise && !conv.isPointwise, let oh = out[2].value, let ow = out[3].value {
      let rows = weight.shape[1] * weight.shape[2] * weight.shape[3]
      guard [rows, oh, ow].checkedProduct.map({ $0 <= maximumTensorElements }) ?? false else {
        throw .unsupported("an im2col buffer of \(rows)×\(oh * ow) floats")
      }
    }
    return BuiltOperator(op: conv, runtimeInputs: [0])
  }

  func geometry(_ shape: [Int]) -> ConvGeometry {
    ConvGeometry(
      batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
      kernelH: weight.shape[2], kernelW: weight.shape[3], strideH: strides[0], strideW: strides[1],
      dilationH: dilations[0], dilationW: dilations[1],
      padTop: pads[0], padLeft: pads[1], padBottom: pads[2], padRight: pads[3])
  }

  func outputShapes(_ inputs: [[Dim]]) throws(NodeError) -> [[Dim]] {
    guard inputs.count == (addsResidual ? 2 : 1), inputs[0].count == 4 else {
      throw .invalid("expected one [N, C, H, W] input\(addsResidual ? " and a residual" : "")")
    }
    let x = inputs[0]
    guard let c = x[1].value, let h = x[2].value, let w = x[3].value else {
      throw .unsupported(
        "input \(x.shapeDescription): channels and spatial size must not depend on the batch")
    }
    guard group > 0, c % group == 0, outChannels % group == 0, weight.shape[1] == c / group else {
      throw .invalid("input has \(c) channels, weight \(weight.shape), group \(group)")
    }
    let g = geometry([1, c, h, w])
    guard g.outHeight > 0 && g.outWidth > 0 else {
      throw .invalid("a \(h)×\(w) input is smaller than the \(kernel) kernel")
    }
    let y = [x[0], Dim(outChannels), Dim(g.outHeight), Dim(g.outWidth)]
    if addsResidual && inputs[1] != y {
      throw .invalid("residual \(inputs[1].shapeDescription) for output \(y.shapeDescription)")
    }
    return [y]
  }

  var isDepthwise: Bool { group > 1 && weight.shape[1] == 1 && outChannels == group }

  var isPointwise: Bool {
    group == 1 && kernel == [1, 1] && strides == [1, 1] && pads == [0, 0, 0, 0]
  }

  func forward(_ inputs: [Tensor]) -> [Tensor] {
    let x = inputs[0]
    let residual = addsResidual ? inputs[1] : nil
    let g = geometry(x.shape)
    let m = outChannels
    let oh = g.outHeight
    let ow = g.outWidth
    let y = Tensor(shape: [g.batch, m, oh, ow]) { out in
      x.data.withUnsafeBufferPointer { xb in
        weight.data.withUnsafeBufferPointer { wb in
          guard let xp = xb.baseAddress, let wp = wb.baseAddress, let yp = out.baseAddress else {
            return
          }
          if isDepthwise {
            let lo = activation?.lower ?? -.infinity
            let hi = activation?.upper ?? .infinity
            let planes = g.batch * g.channels
            let inPlane = g.height * g.width
            let outPlane = oh * ow
            let bias = self.bias ?? [Float](repeating: 0, count: g.channels)
            let fast = DepthwiseKernel.supports(g)
            bias.withUnsafeBufferPointer { bb in
              // The ranges are disjoint: each thread reads shared inputs and writes its own planes.
              nonisolated(unsafe) let (x, w, b, y) = (xp, wp, bb.baseAddress, yp)
              Parallel.forEachRange(planes, minimum: max(1, 16_384 / max(outPlane, 1))) { r in
                let (xr, yr) = (x + r.lowerBound * inPlane, y + r.lowerBound * outPlane)
                if fast
                  && DepthwiseKernel.forward(
                    xr, planes: r.count, g, weights: w, bias: b, lower: lo, upper: hi,
                    firstPlane: r.lowerBound, into: yr)
                {
                  return
                }
                DepthwiseConv.forward(
                  xr, planes: r.count, g, weights: w, bias: b, lower: lo, upper: hi,
                  firstPlane: r.lowerBound, into: yr)
              }
            }
            return
          }
          if let packed {
            if let residual {
              residual.data.withUnsafeBufferPointer { rb in
                convolvePacked(xp, g, packed, residual: rb.baseAddress, into: yp)
              }
            } else {
              convolvePacked(xp, g, packed, residual: nil, into: yp)
            }
            return
          }
          convolveGEMM(xp, g, weights: wp, into: yp)
        }
      }
    }
    if let residual, packed == nil {
      let sum = Elementwise.zip(y, residual, +)
      BufferPool.shared.give(y.data)
      return [sum]
    }
    return [y]
  }

  /// A `group == 1` convolution on the packed CKernels GEMM.
  ///
  /// 1×1 stride-1 convolutions read the input as it is, others unfold it block by block inside
  /// the GEMM (implicit im2col); either way the whole batch is one product. Bias and the fused
  /// activation are applied as each output tile is stored.
  private func convolvePacked(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, _ packed: PackedWeights,
    residual: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>
  ) {
    let m = outChannels
    let hw = g.height * g.width
    let ohw = g.outHeight * g.outWidth
    let lo = activation?.lower ?? -.infinity
    let hi = activation?.upper ?? .infinity
    let hasBias = self.bias != nil
    (self.bias ?? []).withUnsafeBufferPointer { bb in
      let b = hasBias ? bb.baseAddress : nil
      if isPointwise {
        packed.apply(
          x, hw: hw, images: g.batch, xImageStride: g.channels * hw, bias: b, lower: lo,
          upper: hi, residual: residual, into: y, yImageStride: m * ohw)
        return
      }
      // A stem (few input channels): read directly instead of unfolded for the GEMM.
      if residual == nil
        && packed.applySmallConvolution(x, g, bias: b, lower: lo, upper: hi, into: y)
      {
        return
      }
      packed.applyConvolution(
        x, g, bias: b, lower: lo, upper: hi, residual: residual, into: y)
    }
  }

  /// 1×1 as one GEMM per image (in column chunks that stay in cache between the bias, the GEMM
  /// and the activation), others by im2col + GEMM per group.
  private func convolveGEMM(
    _ x: UnsafePointer<Float>, _ g: ConvGeometry, weights: UnsafePointer<Float>,
    into y: UnsafeMutablePointer<Float>
  ) {
    let m = outChannels
    let hw = g.height * g.width
    let ohw = g.outHeight * g.outWidth
    let cg = g.channels / group
    let mg = m / group
    let kdim = cg * g.kernelH * g.kernelW
    var col = isPointwise ? [] : [Float](repeating: 0, count: kdim * ohw)
    // Columns per chunk: about 128 KiB of output.
    let chunk = isPointwise ? min(ohw, max(64, (32768 / max(m, 1)) / 16 * 16)) : ohw
    for n in 0..<g.batch {
      let xn = x + n * g.channels * hw
      let yn = y + n * m * ohw
      if isPointwise {
        var start = 0
        while start < ohw {
          let width = min(chunk, ohw - start)
          let beta = prefill(yn + start, rows: m, columns: width, stride: ohw)
          GEMM.multiply(
            m: m, n: width, k: g.channels, a: weights, lda: g.channels, b: xn + start, ldb: hw,
            beta: beta, c: yn + start, ldc: ohw)
          clamp(yn + start, rows: m, columns: width, stride: ohw)
          start += width
        }
      } else {
        let beta = prefill(yn, rows: m, columns: ohw, stride: ohw)
        col.withUnsafeMutableBufferPointer { cb in
          guard let cp = cb.baseAddress else { return }
          for grp in 0..<group {
            Im2col.unfold(xn + grp * cg * hw, channels: cg, g, into: cp)
            GEMM.multiply(
              m: mg, n: ohw, k: kdim, a: weights + grp * mg * kdim, lda: kdim, b: cp, ldb: ohw,
              beta: beta, c: yn + grp * mg * ohw, ldc: ohw)
          }
        }
        clamp(yn, rows: m, columns: ohw, stride: ohw)
      }
    }
  }

  /// Writes the bias into the output rows for the GEMM to accumulate onto; returns the β to use.
  ///
  /// With β = 1 OpenBLAS skips its own pass zeroing the output (β = 0), about 10 % of the 1×1
  /// convolutions' time.
  private func prefill(_ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int)
    -> Float
  {
    guard let bias else { return 0 }
    for o in 0..<rows { (y + o * stride).update(repeating: bias[o], count: columns) }
    return 1
  }

  /// Applies the fused activation to `rows × columns` outputs.
  private func clamp(_ y: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
    guard let activation else { return }
    let lo = activation.lower
    let hi = activation.upper
    for o in 0..<rows {
      let row = y + o * stride
      for i in 0..<columns { row[i] = Swift.min(Swift.max(row[i], lo), hi) }
    }
  }

  func backward(_ step: BackwardStep) -> [Tensor?] {
    // A fused residual Add passes the output gradient to the residual unchanged.
    var tail: [Tensor?] = []
    if addsResidual {
      let wanted = step.wanted.count > 1 && step.wanted[1]
      tail = [wanted ? step.outputGradients[0] ?? Tensor(zeros: step.outputs[0].shape) : nil]
    }
    guard step.wanted[0] else { return [nil] + tail }
    let x = step.inputs[0]
    let g = geometry(x.shape)
    var dy = step.outputGradients[0] ?? Tensor(zeros: step.outputs[0].shape)
    if let activation {
      dy = activation.gradient(x: step.outputs[0], y: step.outputs[0], dy: dy, guided: step.guided)
    }
    let m = outChannels
    let hw = g.height * g.width
    let ohw = g.outHeight * g.outWidth
    let cg = g.channels / group
    let mg = m / group
    let kdim = cg * g.kernelH * g.kernelW
    let dx = Tensor(shape: x.shape) { out in
      dy.data.withUnsafeBufferPointer { db in
        weight.data.withUnsafeBufferPointer { wb in
          guard let dp = db.baseAddress, let wp = wb.baseAddress, let xp = out.baseAddress else {
            return
          }
          if isDepthwise {
            DepthwiseConv.backwardInput(dp, planes: g.batch * g.channels, g, weights: wp, into: xp)
            return
          }
          if isPointwise {
            for n in 0..<g.batch {
              GEMM.multiply(
                m: g.channels, n: hw, k: m, a: wp, lda: g.channels, transA: true,
                b: dp + n * m * ohw, ldb: ohw,
                c: xp + n * g.channels * hw, ldc: hw)
            }
            return
          }
          xp.update(repeating: 0, count: out.count)
          var col = [Float](repeating: 0, count: kdim * ohw)
          col.withUnsafeMutableBufferPointer { cb in
            guard let cp = cb.baseAddress else { return }
            for n in 0..<g.batch {
              for grp in 0..<group {
                GEMM.multiply(
                  m: kdim, n: ohw, k: mg, a: wp + grp * mg * kdim, lda: kdim, transA: true,
                  b: dp + (n * m + grp * mg) * ohw, ldb: ohw, c: cp, ldc: ohw)
                Im2col.fold(cp, channels: cg, g, into: xp + (n * g.channels + grp * cg) * hw)
              }
            }
          }
        }
      }
    }
    return [dx] + tail
  }

  /// This convolution followed by an inference BatchNormalization `y = s·x + t` per channel:
  /// `w'[m] = s[m]·w[m]`, `b'[m] = s[m]·b[m] + t[m]`.
  func folding(scale: [Float], shift: [Float]) -> Conv {
    var w = weight
    let per = weight.count / outChannels
    w.data.withUnsafeMutableBufferPointer { data in
      for o in 0..<outChannels {
        for i in (o * per)..<((o + 1) * per) { data[i] *= scale[o] }
      }
    }
    let b = (0..<outChannels).map { o in (bias?[o] ?? 0) * scale[o] + shift[o] }
    return Conv(
      weight: w, bias: b, group: group, strides: strides, dilations: dilations, pads: pads,
      activation: activation)
  }

  /// This convolution followed by a clamp (a `Relu` is a clamp to [0, ∞)).
  func fusing(_ clamp: Clip) -> Conv {
    var c = self
    c.activation = clamp
    return c
  }

  /// This convolution followed by `Add` of a second runtime input of the output's shape, or nil
  /// when it has an activation (backward could not recover the pre-activation output).
  func addingResidual() -> Conv? {
    guard activation == nil, !addsResidual else { return nil }
    var c = self
    c.addsResidual = true
    return c
  }

  /// This convolution reading an input padded with zeros by `extra` (`[top, left, bottom, right]`).
  func addingPads(_ extra: [Int]) -> Conv {
    var c = self
    c.pads = zip(pads, extra).map { $0 + $1 }
    return c
  }
}
