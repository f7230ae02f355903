/// `im2col` and its adjoint `col2im` for one image: the unfolded matrix has one row per
/// (channel, ky, kx) and one column per output pixel, so a convolution is one GEMM.
///
/// `col[(c·KH + ky)·KW + kx][oy·OW + ox] = x[c][oy·sH − padTop + ky·dH][ox·sW − padLeft + kx·dW]`
/// (0 outside the image).
enum Im2col {
  /// The range of `o` in `0..<count` for which `o·stride + offset` lies in `0..<size`.
  @inline(__always)
  static func validRange(count: Int, stride: Int, offset: Int, size: Int) -> Range<Int> {
    // o·s + off ≥ 0  ⇔  o ≥ ⌈−off / s⌉ ;  o·s + off < size  ⇔  o < ⌈(size − off) / s⌉
    let lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride
    let hiNum = size - offset
    let hi = hiNum <= 0 ? 0 : (hiNum + stride - 1) / stride
    let l = min(max(lo, 0), count)
    return l..<max(min(hi, count), l)
  }

  /// Unfolds `channels` planes of `g` into `col` (`channels·KH·KW` rows × `OH·OW` columns).
  static func unfold(
    _ x: UnsafePointer<Float>, channels: Int, _ g: ConvGeometry,
    into col: UnsafeMutablePointer<Float>
  ) {
    let oh = g.outHeight
    let ow = g.outWidth
    let plane = g.height * g.width
    var row = 0
    for c in 0..<channels {
      let src = x + c * plane
      for ky in 0..<g.kernelH {
        for kx in 0..<g.kernelW {
          let dst = col + row * oh * ow
          let xOff = kx * g.dilationW - g.padLeft
          let cols = validRange(count: ow, stride: g.strideW, offset: xOff, size: g.width)
          for oy in 0..<oh {
            let iy = oy * g.strideH - g.padTop + ky * g.dilationH
            let d = dst + oy * ow
            if iy < 0 || iy >= g.height {
              d.update(repeating: 0, count: ow)
              continue
            }
            let s = src + iy * g.width
            if cols.lowerBound > 0 { d.update(repeating: 0, count: cols.lowerBound) }
            if g.strideW == 1 {
              (d + cols.lowerBound).update(from: s + cols.lowerBound + xOff, count: cols.count)
            } else {
              for ox in cols { d[ox] = s[ox * g.strideW + xOff] }
            }
            if cols.upperBound < ow {
              (d + cols.upperBound).update(repeating: 0, count: ow - cols.upperBound)
            }
          }
          row += 1
        }
      }
    }
  }

  /// The adjoint of ``unfold``: adds each column entry back to the pixel it came from.
  ///
  /// `x` must be zeroed (or hold what to accumulate onto).
  static func fold(
    _ col: UnsafePointer<Float>, channels: Int, _ g: ConvGeometry,
    into x: UnsafeMutablePointer<Float>
  ) {
    let oh = g.outHeight
    let ow = g.outWidth
    let plane = g.height * g.width
    var row = 0
    for c in 0..<channels {
      let dstPlane = x + c * plane
      for ky in 0..<g.kernelH {
        for kx in 0..<g.kernelW {
          let src = col + row * oh * ow
          let xOff = kx * g.dilationW - g.padLeft
          let cols = validRange(count: ow, stride: g.strideW, offset: xOff, size: g.width)
          for oy in 0..<oh {
            let iy = oy * g.strideH - g.padTop + ky * g.dilationH
            if iy < 0 || iy >= g.height { continue }
            let d = dstPlane + iy * g.width
            let s = src + oy * ow
            for ox in cols { d[ox * g.strideW + xOff] += s[ox] }
          }
          row += 1
        }
      }
    }
  }
}
