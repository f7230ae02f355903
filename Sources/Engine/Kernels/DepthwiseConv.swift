/// Direct depthwise convolution (`group == C == M`): each plane is convolved with its own `KH×KW`
/// filter.
///
/// Vectorised with `SIMD8<Float>` along output rows; four output rows are computed together, so
/// each tap feeds eight independent accumulator halves and the adds do not wait on each other.
///
/// Each plane is copied into the interior of a scratch plane whose zero padding (wide enough for
/// whole SIMD blocks) is written once per call, so the inner loops need no bounds checks. Stride
/// 2 (dilation 1) splits the padded plane into even and odd columns, which turns its strided
/// reads into contiguous ones. Other strides with dilation > 1 take a scalar path on the same
/// padded plane.
///
/// `ConvReference` is the plain version it is tested against. (One OpenBLAS `saxpy` per tap over
/// a whole plane was measured too: no faster on this machine, so it was not kept.)
enum DepthwiseConv {
  typealias Vector = SIMD8<Float>
  static let lanes = 8

  /// `y[p] = clamp(w[p mod C] ⋆ x[p] + bias[p mod C], lower, upper)` for `planes = N·C` planes.
  ///
  /// Output rows are computed four at a time (eight independent `SIMD8` accumulator halves),
  /// so the adds do not wait on each other.
  /// - Parameters:
  ///   - weights: `[C, KH, KW]`.
  ///   - bias: `[C]` or nil.
  ///   - lower, upper: the fused activation's clamp (−∞, +∞ for none).
  static func forward(
    _ x: UnsafePointer<Float>, planes: Int, _ g: ConvGeometry,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    lower: Float = -.infinity, upper: Float = .infinity, firstPlane: Int = 0,
    into y: UnsafeMutablePointer<Float>
  ) {
    let oh = g.outHeight
    let ow = g.outWidth
    guard oh > 0 && ow > 0 else { return }
    let blocks = (ow + lanes - 1) / lanes
    let owPadded = blocks * lanes
    let taps = g.kernelH * g.kernelW
    let split = g.strideW == 2 && g.dilationW == 1
    let vectorised = g.strideW == 1 || split
    // Padded rows needed and their width (in the split layout: width of each half).
    let rows = (oh - 1) * g.strideH + (g.kernelH - 1) * g.dilationH + 1
    let cols: Int
    if g.strideW == 1 {
      cols = owPadded + (g.kernelW - 1) * g.dilationW
    } else if split {
      cols = owPadded + (g.kernelW - 1) / 2 + 1
    } else {
      cols = (ow - 1) * g.strideW + (g.kernelW - 1) * g.dilationW + 1
    }
    let half = rows * cols
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: split ? 2 * half : half)
    defer { scratch.deallocate() }
    // The padding is the same for every plane: zero once, then only the interior is rewritten.
    scratch.initialize(repeating: 0, count: split ? 2 * half : half)
    let clamps = lower > -.infinity || upper < .infinity
    // Column offset of tap kx in the scratch layout (split: into the odd half for odd kx).
    let tapOffset: [Int] = (0..<g.kernelW).map { kx in
      split ? (kx & 1) * half + kx / 2 : kx * g.dilationW
    }
    let rowStep = g.strideH * cols
    let tapRow = g.dilationH * cols

    for p in 0..<planes {
      let c = (firstPlane + p) % g.channels
      let src = x + p * g.height * g.width
      let dst = y + p * oh * ow
      let w = weights + c * taps
      let b = Vector(repeating: bias.map { $0[c] } ?? 0)
      if split {
        fillSplit(src, g, rows: rows, cols: cols, into: scratch)
      } else {
        fillPadded(src, g, rows: rows, cols: cols, into: scratch)
      }
      guard vectorised else {
        for oy in 0..<oh {
          for ox in 0..<ow {
            var acc = b[0]
            for ky in 0..<g.kernelH {
              let r = scratch + (oy * g.strideH + ky * g.dilationH) * cols + ox * g.strideW
              for kx in 0..<g.kernelW { acc += w[ky * g.kernelW + kx] * r[kx * g.dilationW] }
            }
            dst[oy * ow + ox] = clamps ? Swift.min(Swift.max(acc, lower), upper) : acc
          }
        }
        continue
      }
      var oy = 0
      while oy < oh {
        let tile = Swift.min(4, oh - oy)
        for blk in 0..<blocks {
          let base = scratch + oy * rowStep + blk * lanes
          var a0 = b
          var a1 = b
          var a2 = b
          var a3 = b
          if tile == 4 {
            for ky in 0..<g.kernelH {
              let r = base + ky * tapRow
              for kx in 0..<g.kernelW {
                let wv = Vector(repeating: w[ky * g.kernelW + kx])
                let q = r + tapOffset[kx]
                a0 += wv * load(q)
                a1 += wv * load(q + rowStep)
                a2 += wv * load(q + 2 * rowStep)
                a3 += wv * load(q + 3 * rowStep)
              }
            }
          } else {
            for ky in 0..<g.kernelH {
              let r = base + ky * tapRow
              for kx in 0..<g.kernelW {
                let wv = Vector(repeating: w[ky * g.kernelW + kx])
                let q = r + tapOffset[kx]
                a0 += wv * load(q)
                if tile > 1 { a1 += wv * load(q + rowStep) }
                if tile > 2 { a2 += wv * load(q + 2 * rowStep) }
              }
            }
          }
          let x0 = blk * lanes
          let count = Swift.min(lanes, ow - x0)
          emit(a0, dst + oy * ow + x0, count)
          if tile > 1 { emit(a1, dst + (oy + 1) * ow + x0, count) }
          if tile > 2 { emit(a2, dst + (oy + 2) * ow + x0, count) }
          if tile > 3 { emit(a3, dst + (oy + 3) * ow + x0, count) }
        }
        if clamps {
          let rows = dst + oy * ow
          for i in 0..<(tile * ow) { rows[i] = Swift.min(Swift.max(rows[i], lower), upper) }
        }
        oy += tile
      }
    }
  }

  /// The vector–Jacobian product with respect to the input: `dx = Σ w ⋆ᵀ dy` (a transposed
  /// depthwise convolution), written over `dx` (not accumulated).
  static func backwardInput(
    _ dy: UnsafePointer<Float>, planes: Int, _ g: ConvGeometry,
    weights: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>
  ) {
    let oh = g.outHeight
    let ow = g.outWidth
    let taps = g.kernelH * g.kernelW
    if g.strideH == 1 && g.strideW == 1 {
      // dx = dy ⋆ flip(w) with pads (K−1)·d − pad on each side: a forward depthwise pass.
      let t = (g.kernelH - 1) * g.dilationH - g.padTop
      let l = (g.kernelW - 1) * g.dilationW - g.padLeft
      if t >= 0 && l >= 0 {
        var flipped = [Float](repeating: 0, count: g.channels * taps)
        for c in 0..<g.channels {
          for k in 0..<taps { flipped[c * taps + k] = weights[c * taps + taps - 1 - k] }
        }
        var tg = g
        tg.height = oh
        tg.width = ow
        tg.padTop = t
        tg.padLeft = l
        tg.padBottom = g.height - oh - t + (g.kernelH - 1) * g.dilationH
        tg.padRight = g.width - ow - l + (g.kernelW - 1) * g.dilationW
        if tg.padBottom >= 0 && tg.padRight >= 0 && tg.outHeight == g.height
          && tg.outWidth == g.width
        {
          flipped.withUnsafeBufferPointer { fw in
            if let base = fw.baseAddress {
              forward(dy, planes: planes, tg, weights: base, bias: nil, into: dx)
            }
          }
          return
        }
      }
    }
    // General strides: scatter every output gradient back through its window.
    dx.update(repeating: 0, count: planes * g.height * g.width)
    for p in 0..<planes {
      let c = p % g.channels
      let w = weights + c * taps
      let src = dy + p * oh * ow
      let dst = dx + p * g.height * g.width
      for oy in 0..<oh {
        for ky in 0..<g.kernelH {
          let iy = oy * g.strideH - g.padTop + ky * g.dilationH
          if iy < 0 || iy >= g.height { continue }
          for kx in 0..<g.kernelW {
            let wk = w[ky * g.kernelW + kx]
            let xOff = kx * g.dilationW - g.padLeft
            let cols = Im2col.validRange(count: ow, stride: g.strideW, offset: xOff, size: g.width)
            let d = dst + iy * g.width
            let s = src + oy * ow
            for ox in cols { d[ox * g.strideW + xOff] += wk * s[ox] }
          }
        }
      }
    }
  }

  /// Stores the first `count` lanes of `v` at `out`.
  @inline(__always)
  static func emit(_ v: Vector, _ out: UnsafeMutablePointer<Float>, _ count: Int) {
    if count == lanes {
      store(v, out)
    } else {
      for i in 0..<count { out[i] = v[i] }
    }
  }

  /// `dst[i] = src[2i]` for `i < count`.
  @inline(__always)
  static func deinterleave(
    _ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int
  ) {
    var s = src
    var d = dst
    let end = dst + count
    while d < end {
      d.pointee = s.pointee
      d += 1
      s += 2
    }
  }

  /// Copies `count` floats with vector moves (no library call: the rows are short).
  @inline(__always)
  static func copy(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ count: Int) {
    var i = 0
    while i + lanes <= count {
      store(load(src + i), dst + i)
      i += lanes
    }
    while i < count {
      dst[i] = src[i]
      i += 1
    }
  }

  @inline(__always)
  static func load(_ p: UnsafePointer<Float>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
  }

  @inline(__always)
  static func load(_ p: UnsafeMutablePointer<Float>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
  }

  @inline(__always)
  static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
  }

  /// Copies a plane into the interior of the zero-padded `rows × cols` scratch (its padding was
  /// zeroed once and is never written).
  private static func fillPadded(
    _ src: UnsafePointer<Float>, _ g: ConvGeometry, rows: Int, cols: Int,
    into dst: UnsafeMutablePointer<Float>
  ) {
    let xs = Im2col.validRange(count: cols, stride: 1, offset: -g.padLeft, size: g.width)
    guard !xs.isEmpty else { return }
    let ys = Im2col.validRange(count: rows, stride: 1, offset: -g.padTop, size: g.height)
    for r in ys {
      copy(
        src + (r - g.padTop) * g.width + xs.lowerBound - g.padLeft, dst + r * cols + xs.lowerBound,
        xs.count)
    }
  }

  /// Like ``fillPadded`` but even padded columns go to the first half, odd ones to the second.
  private static func fillSplit(
    _ src: UnsafePointer<Float>, _ g: ConvGeometry, rows: Int, cols: Int,
    into dst: UnsafeMutablePointer<Float>
  ) {
    let half = rows * cols
    // Column j of the even (odd) half is padded column 2j (2j + 1), input column 2j − padLeft (+1).
    let evens = Im2col.validRange(count: cols, stride: 2, offset: -g.padLeft, size: g.width)
    let odds = Im2col.validRange(count: cols, stride: 2, offset: 1 - g.padLeft, size: g.width)
    let ys = Im2col.validRange(count: rows, stride: 1, offset: -g.padTop, size: g.height)
    for r in ys {
      let s = src + (r - g.padTop) * g.width
      let even = dst + r * cols
      let odd = dst + half + r * cols
      deinterleave(
        s + 2 * evens.lowerBound - g.padLeft, into: even + evens.lowerBound, count: evens.count)
      deinterleave(
        s + 2 * odds.lowerBound + 1 - g.padLeft, into: odd + odds.lowerBound, count: odds.count)
    }
  }
}
