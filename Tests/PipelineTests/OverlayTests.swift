import Testing
import VideoIO

@testable import Pipeline

@Suite("Overlay")
struct OverlayTests {
  @Test("a full-heat map on black gives jet's top colour re-brightened to 255")
  func rebrightens() {
    let black = RGBImage(width: 2, height: 1, fill: 0)
    let out = Overlay().blend(black, map: [1, 1])
    // heat (128, 0, 0)/255 · 0.5, divided by its max → (1, 0, 0) → 255.
    #expect(out.pixels == [255, 0, 0, 255, 0, 0])
  }

  @Test("the blend is (1 − w)·heat + w·image, divided by its max, truncated")
  func blend() {
    let image = RGBImage(width: 2, height: 1, pixels: [200, 100, 0, 0, 0, 0])
    let out = Overlay(imageWeight: 0.25, colormap: .gray).blend(image, map: [0, 1])
    // Pixel 0: heat 0, image (200, 100, 0)/255 · 0.25; pixel 1: heat 1 · 0.75 (the max).
    let peak: Float = 0.75
    let expected = [200, 100, 0].map { UInt8(255 * ((0.25 * Float($0) / 255) / peak)) }
    #expect(Array(out.pixels[0..<3]) == expected)
    #expect(Array(out.pixels[3..<6]) == [255, 255, 255])
  }

  @Test("image weight 1 leaves only the (re-brightened) picture")
  func imageOnly() {
    let image = RGBImage(width: 1, height: 2, pixels: [100, 50, 25, 50, 25, 0])
    let out = Overlay(imageWeight: 1).blend(image, map: [0.3, 0.9])
    #expect(out.pixels == [255, 127, 63, 127, 63, 0])
  }

  @Test("an all-zero blend stays black instead of dividing by zero")
  func zero() {
    let out = Overlay(imageWeight: 1).blend(RGBImage(width: 1, height: 1, fill: 0), map: [0])
    #expect(out.pixels == [0, 0, 0])
  }
}
