import Testing

@testable import VideoIO

@Suite("ImageScaler")
struct ImageScalerTests {
  /// A picture whose red channel is the column and green the row (mod 256).
  func gradient(_ w: Int, _ h: Int) -> RGBImage {
    var px = [UInt8](repeating: 0, count: w * h * 3)
    for y in 0..<h {
      for x in 0..<w {
        px[(y * w + x) * 3] = UInt8(x % 256)
        px[(y * w + x) * 3 + 1] = UInt8(y % 256)
        px[(y * w + x) * 3 + 2] = 200
      }
    }
    return RGBImage(width: w, height: h, pixels: px)
  }

  @Test("same size is an exact copy")
  func identity() throws {
    let img = gradient(37, 23)
    let out = try ImageScaler().scale(img, width: 37, height: 23)
    #expect(out.image == img)
    #expect(out.content == PixelRect(x: 0, y: 0, width: 37, height: 23))
  }

  @Test("crop takes the centred square of a landscape frame")
  func crop() throws {
    let img = gradient(200, 100)
    let out = try ImageScaler().scale(img, width: 100, height: 100, fit: .crop)
    #expect(out.content == PixelRect(x: 50, y: 0, width: 100, height: 100))
    // 100x100 from a 100x100 source region: an exact copy of columns 50...149.
    #expect(out.image[0, 0].0 == 50 && out.image[99, 0].0 == 149 && out.image[0, 99].1 == 99)
  }

  @Test("pad letterboxes a landscape frame with bars of the pad value")
  func pad() throws {
    let img = gradient(200, 100)
    let out = try ImageScaler().scale(img, width: 100, height: 100, fit: .pad, padValue: 7)
    #expect(out.content == PixelRect(x: 0, y: 25, width: 100, height: 50))
    #expect(out.image[50, 10] == (7, 7, 7))
    #expect(out.image[50, 90] == (7, 7, 7))
    #expect(out.image[50, 50].2 == 200)
  }

  @Test("stretch shrinks by area averaging")
  func stretchArea() throws {
    // 2x2 blocks of 0 and 100 average to 50.
    var px = [UInt8](repeating: 0, count: 4 * 4 * 3)
    for i in stride(from: 0, to: px.count, by: 6) {
      px[i + 3] = 100
      px[i + 4] = 100
      px[i + 5] = 100
    }
    let out = try ImageScaler().scale(
      RGBImage(width: 4, height: 4, pixels: px), width: 2, height: 2, filter: .area)
    for y in 0..<2 { for x in 0..<2 { #expect(abs(Int(out.image[x, y].0) - 50) <= 1) } }
  }

  @Test("a portrait frame crops vertically, odd sizes included")
  func cropPortrait() throws {
    let out = try ImageScaler().scale(gradient(241, 321), width: 224, height: 224, fit: .crop)
    #expect(out.content == PixelRect(x: 0, y: 40, width: 241, height: 241))
  }

  @Test(
    "odd target widths are filled to the last column", arguments: [(223, 221), (225, 97), (3, 3)])
  func oddTargets(w: Int, h: Int) throws {
    let src = RGBImage(width: 640, height: 480, fill: 120)
    for fit in Fit.allCases {
      let out = try ImageScaler().scale(
        src, width: w, height: h, fit: fit, filter: .bilinear, padValue: 120)
      for y in 0..<h {
        #expect(out.image[w - 1, y] == (120, 120, 120), "\(fit) \(w)x\(h) row \(y)")
        #expect(out.image[0, y] == (120, 120, 120))
      }
    }
  }
}
