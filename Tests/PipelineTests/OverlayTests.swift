import TestSupport
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

  @Test(
    "the table blend gives the per-pixel formula's bytes",
    arguments: [(Colormap.jet, Float(0.5)), (.turbo, 0.3), (.gray, 0.8), (.inferno, 0)])
  func tableEqualsFormula(_ colormap: Colormap, _ weight: Float) {
    var rng = SeededRandom(seed: 7)
    let (w, h) = (37, 23)
    let pixels = (0..<(w * h * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    // Values around and outside [0, 1], and NaN.
    let map = (0..<(w * h)).map { i -> Float in
      i == 5 ? .nan : Float(Int(rng.next() % 1200) - 100) / 1000
    }
    // Long runs of one colormap entry too, as placed maps have.
    let blocky = (0..<(w * h)).map { i in Float(i / 97) / Float(w * h / 97) }
    let image = RGBImage(width: w, height: h, pixels: pixels)
    let overlay = Overlay(imageWeight: weight, colormap: colormap)
    #expect(overlay.blend(image, map: map).pixels == Self.formula(overlay, image, map))
    #expect(overlay.blend(image, map: blocky).pixels == Self.formula(overlay, image, blocky))
  }

  @Test(
    "a dark picture's one bright pixel sets the peak wherever it lies",
    arguments: [300, 10_000, 20_098, 0, 5_020])
  func lonePeak(_ bright: Int) {
    // 20 100 pixels: 314 blocks of 64 and a tail of 4 (20 098 is in it). The peak's first
    // guess samples 48 runs of 256 pixels, 418 apart: 0 and 5 020 are in them, the others not.
    let (w, h) = (201, 100)
    var pixels = [UInt8](repeating: 12, count: w * h * 3)
    pixels[3 * bright + 1] = 250
    let map = (0..<(w * h)).map { i in Float(i % 300) / 299 }
    let image = RGBImage(width: w, height: h, pixels: pixels)
    for overlay in [Overlay(), Overlay(imageWeight: 0.9, colormap: .inferno)] {
      #expect(overlay.blend(image, map: map).pixels == Self.formula(overlay, image, map))
    }
  }

  /// `show_cam_on_image` computed per pixel and channel (the blend's first implementation).
  static func formula(_ overlay: Overlay, _ image: RGBImage, _ map: [Float]) -> [UInt8] {
    let lut = overlay.colormap.table
    let w = overlay.imageWeight
    var sums = [Float](repeating: 0, count: image.pixels.count)
    for i in 0..<map.count {
      let t = 3 * Colormap.index(map[i])
      for c in 0..<3 {
        sums[3 * i + c] =
          (1 - w) * (Float(lut[t + c]) / 255) + w * (Float(image.pixels[3 * i + c]) / 255)
      }
    }
    let peak = sums.max() ?? 0
    guard peak > 0 else { return [UInt8](repeating: 0, count: sums.count) }
    return sums.map { UInt8(min(255, 255 * ($0 / peak))) }
  }
}

@Suite("Overlay against pytorch-grad-cam")
struct OverlayGoldenTests {
  @Test(
    "show_cam_on_image(use_rgb=True) pixels, on the reference's own map and picture",
    arguments: ["efficientnet_lite0/chelsea", "efficientnet_lite0/coffee", "mobilenet_v2/chelsea"])
  func golden(_ item: String) throws {
    guard let reference = TestEnvironment.sharedReference else { return }  // announced as SKIPPED
    let folder = reference.appendingPathComponent("golden/\(item)")
    let image = try NumpyArray(contentsOf: folder.appendingPathComponent("image_rgb_u8.npy"))
    let map = try NumpyArray(contentsOf: folder.appendingPathComponent("gradcam.npy"))
    let expected = try NumpyArray(contentsOf: folder.appendingPathComponent("gradcam_overlay.npy"))
    let picture = RGBImage(width: 224, height: 224, pixels: image.values.map { UInt8($0) })
    let out = Overlay().blend(picture, map: map.values)
    var worst = 0
    var differing = 0
    for (a, b) in zip(out.pixels, expected.values) {
      let d = abs(Int(a) - Int(b))
      worst = max(worst, d)
      if d > 0 { differing += 1 }
    }
    #expect(worst == 0, "max |Δ| \(worst) over \(differing) of \(out.pixels.count) values")
  }
}
