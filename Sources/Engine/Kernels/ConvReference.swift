/// The plain direct convolution the optimised kernels (im2col + GEMM, 1×1 GEMM, depthwise) are
/// tested against: seven loops, Double accumulation, any groups/strides/dilations/pads.
enum ConvReference {
  /// `y[n, m, oy, ox] = b[m] + Σ_{c∈group(m), ky, kx} w[m, c, ky, kx] · x[n, c, oy·s − pad + ky·d, …]`.
  static func forward(
    x: [Float], _ g: ConvGeometry, weight: [Float], outChannels m: Int, groups: Int, bias: [Float]?
  ) -> [Float] {
    let oh = g.outHeight
    let ow = g.outWidth
    let cg = g.channels / groups
    let mg = m / groups
    var y = [Float](repeating: 0, count: g.batch * m * oh * ow)
    for n in 0..<g.batch {
      for o in 0..<m {
        let grp = o / mg
        for oy in 0..<oh {
          for ox in 0..<ow {
            var acc = Double(bias?[o] ?? 0)
            for ci in 0..<cg {
              let c = grp * cg + ci
              for ky in 0..<g.kernelH {
                let iy = oy * g.strideH - g.padTop + ky * g.dilationH
                if iy < 0 || iy >= g.height { continue }
                for kx in 0..<g.kernelW {
                  let ix = ox * g.strideW - g.padLeft + kx * g.dilationW
                  if ix < 0 || ix >= g.width { continue }
                  let wv = weight[((o * cg + ci) * g.kernelH + ky) * g.kernelW + kx]
                  acc +=
                    Double(wv) * Double(x[((n * g.channels + c) * g.height + iy) * g.width + ix])
                }
              }
            }
            y[((n * m + o) * oh + oy) * ow + ox] = Float(acc)
          }
        }
      }
    }
    return y
  }

  /// `dx[n, c, iy, ix] = Σ w[m, c, ky, kx] · dy[n, m, oy, ox]` over the windows covering the pixel.
  static func backwardInput(
    dy: [Float], _ g: ConvGeometry, weight: [Float], outChannels m: Int, groups: Int
  ) -> [Float] {
    let oh = g.outHeight
    let ow = g.outWidth
    let cg = g.channels / groups
    let mg = m / groups
    var dx = [Double](repeating: 0, count: g.batch * g.channels * g.height * g.width)
    for n in 0..<g.batch {
      for o in 0..<m {
        let grp = o / mg
        for oy in 0..<oh {
          for ox in 0..<ow {
            let gy = Double(dy[((n * m + o) * oh + oy) * ow + ox])
            for ci in 0..<cg {
              let c = grp * cg + ci
              for ky in 0..<g.kernelH {
                let iy = oy * g.strideH - g.padTop + ky * g.dilationH
                if iy < 0 || iy >= g.height { continue }
                for kx in 0..<g.kernelW {
                  let ix = ox * g.strideW - g.padLeft + kx * g.dilationW
                  if ix < 0 || ix >= g.width { continue }
                  let wv = weight[((o * cg + ci) * g.kernelH + ky) * g.kernelW + kx]
                  dx[((n * g.channels + c) * g.height + iy) * g.width + ix] += Double(wv) * gy
                }
              }
            }
          }
        }
      }
    }
    return dx.map { Float($0) }
  }
}
