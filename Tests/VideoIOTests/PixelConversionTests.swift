import CVideoShim
import TestSupport
import Testing

@testable import VideoIO

/// The shim's own pixel conversions (area.c, rgb_yuv.c) against their definitions computed in
/// Double here.
@Suite("Pixel conversions")
struct PixelConversionTests {
  static func noise(_ w: Int, _ h: Int, seed: UInt64) -> [UInt8] {
    var rng = SeededRandom(seed: seed)
    return (0..<w * h * 3).map { _ in UInt8.random(in: 0...255, using: &rng) }
  }

  /// How much of source sample `i` lies in destination sample `d` when `n` samples shrink to `m`.
  static func coverage(_ i: Int, in d: Int, from n: Int, to m: Int) -> Double {
    let s = Double(n) / Double(m)
    return max(0, min(Double(i + 1), Double(d + 1) * s) - max(Double(i), Double(d) * s)) / s
  }

  /// The mean of the source box under each destination pixel, boundary pixels weighted by the
  /// fraction inside: INTER_AREA's definition.
  static func areaReference(_ px: [UInt8], _ sw: Int, _ sh: Int, _ dw: Int, _ dh: Int) -> [Double] {
    var out = [Double](repeating: 0, count: dw * dh * 3)
    let s = (Double(sw) / Double(dw), Double(sh) / Double(dh))
    for dy in 0..<dh {
      let ys = Int(Double(dy) * s.1)..<min(sh, Int((Double(dy + 1) * s.1).rounded(.up)))
      for dx in 0..<dw {
        let xs = Int(Double(dx) * s.0)..<min(sw, Int((Double(dx + 1) * s.0).rounded(.up)))
        for y in ys {
          let wy = coverage(y, in: dy, from: sh, to: dh)
          for x in xs {
            let w = wy * coverage(x, in: dx, from: sw, to: dw)
            for c in 0..<3 { out[(dy * dw + dx) * 3 + c] += w * Double(px[(y * sw + x) * 3 + c]) }
          }
        }
      }
    }
    return out
  }

  @Test(
    "area shrinking is the mean of the box each pixel covers",
    arguments: [(301, 203, 64, 48), (97, 61, 13, 7), (120, 80, 40, 40), (64, 64, 64, 17)])
  func areaMatchesDefinition(sw: Int, sh: Int, dw: Int, dh: Int) throws {
    let px = Self.noise(sw, sh, seed: UInt64(sw * 1000 + dw))
    var out = [UInt8](repeating: 0, count: dw * dh * 3)
    #expect(
      cv_resize_area_rgb24(
        px, Int32(sw), Int32(sh), Int32(sw * 3), &out, Int32(dw), Int32(dh), Int32(dw * 3)) == 0)
    let ref = Self.areaReference(px, sw, sh, dw, dh)
    var worst = 0.0
    var ties = 0
    for i in out.indices {
      worst = max(worst, abs(Double(out[i]) - ref[i]))
      // Off a tie the nearest level; on one (a box of 2×3 pixels gives many), either.
      let tie = abs(ref[i] - ref[i].rounded(.down) - 0.5) < 1e-4
      if tie { ties += 1 } else { #expect(Double(out[i]) == ref[i].rounded(), "sample \(i)") }
    }
    #expect(worst <= 0.5 + 1e-4, "\(sw)x\(sh) → \(dw)x\(dh): max |Δ| \(worst), \(ties) ties")
  }

  @Test("ImageScaler shrinks by area with the fit's source rectangle")
  func scalerUsesArea() throws {
    let (sw, sh) = (160, 90)
    let px = Self.noise(sw, sh, seed: 5)
    let image = RGBImage(width: sw, height: sh, pixels: px)
    let out = try ImageScaler().scale(image, width: 30, height: 30, fit: .crop, filter: .area)
    #expect(out.content == PixelRect(x: 35, y: 0, width: 90, height: 90))
    var crop: [UInt8] = []
    for y in 0..<90 { crop += px[(y * sw + 35) * 3..<(y * sw + 125) * 3] }
    let ref = Self.areaReference(crop, 90, 90, 30, 30)
    for i in out.image.pixels.indices {
      #expect(abs(Double(out.image.pixels[i]) - ref[i]) <= 0.501, "sample \(i)")
    }
  }

  /// BT.601 from the definition: luma weights 0.299/0.587/0.114, chroma (B − Y)/1.772 and
  /// (R − Y)/1.402 from the mean of each 2×2 block, studio range 16–235/16–240 or full range.
  static func yuvReference(
    _ px: [UInt8], _ w: Int, _ h: Int, _ dw: Int, _ dh: Int, full: Bool
  ) -> (y: [Double], u: [Double], v: [Double]) {
    func rgb(_ x: Int, _ y: Int) -> (Double, Double, Double) {
      let o = (min(y, h - 1) * w + min(x, w - 1)) * 3
      return (Double(px[o]), Double(px[o + 1]), Double(px[o + 2]))
    }
    let (ys, cs, y0) = full ? (1.0, 1.0, 0.0) : (219.0 / 255, 224.0 / 255, 16.0)
    func luma(_ c: (Double, Double, Double)) -> Double { 0.299 * c.0 + 0.587 * c.1 + 0.114 * c.2 }
    var yp: [Double] = []
    var up: [Double] = []
    var vp: [Double] = []
    for y in 0..<dh { for x in 0..<dw { yp.append(y0 + ys * luma(rgb(x, y))) } }
    for cy in 0..<(dh + 1) / 2 {
      for cx in 0..<(dw + 1) / 2 {
        let block = [
          rgb(2 * cx, 2 * cy), rgb(2 * cx + 1, 2 * cy), rgb(2 * cx, 2 * cy + 1),
          rgb(2 * cx + 1, 2 * cy + 1),
        ]
        let m = block.reduce((0.0, 0.0, 0.0)) {
          ($0.0 + $1.0 / 4, $0.1 + $1.1 / 4, $0.2 + $1.2 / 4)
        }
        let l = luma(m)
        up.append(128 + cs * (m.2 - l) / 1.772)
        vp.append(128 + cs * (m.0 - l) / 1.402)
      }
    }
    return (yp, up, vp)
  }

  @Test(
    "RGB to YUV 4:2:0 is BT.601 on 2×2 block means, the edge repeated",
    arguments: [
      (64, 32, 64, 32, false), (37, 21, 38, 22, false), (37, 21, 38, 22, true), (1, 1, 2, 2, false),
      (66, 3, 66, 3, true),
    ])
  func yuvMatchesDefinition(w: Int, h: Int, dw: Int, dh: Int, full: Bool) throws {
    let px = Self.noise(w, h, seed: UInt64(w * 31 + h))
    let cw = (dw + 1) / 2
    var y = [UInt8](repeating: 0, count: dw * dh)
    var u = [UInt8](repeating: 0, count: cw * ((dh + 1) / 2))
    var v = u
    #expect(
      cv_rgb24_to_yuv420p(
        px, Int32(w * 3), Int32(w), Int32(h), &y, Int32(dw), &u, Int32(cw), &v, Int32(cw),
        Int32(dw), Int32(dh), full ? 1 : 0) == 0)
    let ref = Self.yuvReference(px, w, h, dw, dh, full: full)
    for (name, got, want) in [("Y", y, ref.y), ("U", u, ref.u), ("V", v, ref.v)] {
      let worst = zip(got, want).map { abs(Double($0) - $1) }.max() ?? 0
      // 15-bit fixed-point coefficients: at most about 0.01 past the exact value's rounding.
      #expect(worst <= 0.52, "\(name) \(w)x\(h) → \(dw)x\(dh) full \(full): max |Δ| \(worst)")
    }
  }

  /// `(crv, cbu, cgu, cgv)` × 65536 for studio-range chroma, as swscale tabulates them, from the
  /// luma weights `kr` and `kb`.
  static func coefficients(kr: Double, kb: Double) -> [Int32] {
    let kg = 1 - kr - kb
    let s = 255.0 / 224 * 65536
    return [2 * (1 - kr), 2 * (1 - kb), 2 * kb * (1 - kb) / kg, 2 * kr * (1 - kr) / kg].map {
      Int32(($0 * s).rounded())
    }
  }

  @Test(
    "YUV 4:4:4 to RGB inverts the colour space's matrix, studio and full range",
    arguments: [(0.299, 0.114, false), (0.299, 0.114, true), (0.2126, 0.0722, false)])
  func rgbMatchesDefinition(kr: Double, kb: Double, full: Bool) throws {
    let (w, h) = (37, 5)
    let planes = Self.noise(w, h, seed: full ? 7 : 8)
    let y = Array(planes[0..<w * h])
    let u = Array(planes[w * h..<2 * w * h])
    let v = Array(planes[2 * w * h..<3 * w * h])
    var rgb = [UInt8](repeating: 0, count: w * h * 3)
    #expect(
      cv_yuv444p_to_rgb24(
        y, Int32(w), u, Int32(w), v, Int32(w), Int32(w), Int32(h),
        Self.coefficients(kr: kr, kb: kb), full ? 1 : 0, &rgb, Int32(w * 3)) == 0)
    let (ys, cs, y0) = full ? (1.0, 1.0, 0.0) : (255.0 / 219, 255.0 / 224, 16.0)
    var worst = 0.0
    for i in 0..<w * h {
      let l = ys * (Double(y[i]) - y0)
      let (cb, cr) = (cs * (Double(u[i]) - 128), cs * (Double(v[i]) - 128))
      let r = l + 2 * (1 - kr) * cr
      let b = l + 2 * (1 - kb) * cb
      let g = (l - kr * r - kb * b) / (1 - kr - kb)
      for (c, want) in [r, g, b].enumerated() {
        worst = max(worst, abs(Double(rgb[3 * i + c]) - min(255, max(0, want))))
      }
    }
    // 16-bit fixed point, rounded: at most a few thousandths past the exact value's rounding.
    #expect(worst <= 0.51, "kr \(kr) kb \(kb) full \(full): max |Δ| \(worst)")
  }
}
