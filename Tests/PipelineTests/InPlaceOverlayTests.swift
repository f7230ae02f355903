import TestSupport
import Testing
import VideoIO

@testable import Pipeline

/// The pipeline's overlay path (blended in the frame's own pixels, or side by side into a
/// pooled buffer, with working memory kept between frames) against the plain one.
@Suite("Overlay in place")
struct InPlaceOverlayTests {
  /// A picture and a placed map with long runs of one entry (and a zero area), as video has.
  static func frame(_ w: Int, _ h: Int, seed: UInt64) -> (RGBImage, [Float], HeatmapPlacement) {
    var rng = SeededRandom(seed: seed)
    let pixels = (0..<(w * h * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    let map = (0..<49).map { i -> Float in i % 5 == 0 ? 0 : Float(rng.next() % 1000) / 1000 }
    let placement = HeatmapPlacement(
      mapWidth: 7, mapHeight: 7, frameWidth: w, frameHeight: h, fit: .stretch,
      content: PixelRect(x: 0, y: 0, width: 7, height: 7))
    return (RGBImage(width: w, height: h, pixels: pixels), map, placement)
  }

  @Test(
    "composing in place gives the plain composition's bytes, frame after frame",
    arguments: [false, true])
  func matchesPlain(_ sideBySide: Bool) {
    let composer = FrameComposer(
      overlay: Overlay(imageWeight: 0.4, colormap: .turbo), drawsLabel: true,
      sideBySide: sideBySide)
    let pool = PixelBufferPool(capacity: 2)
    var indices: [UInt8] = []
    var across: [Float] = []
    var table: [UInt8] = []
    // Sizes change between frames, so reused memory of the wrong size must be replaced.
    for (n, size) in [(97, 61), (97, 61), (40, 33), (97, 61)].enumerated() {
      let (image, map, placement) = Self.frame(size.0, size.1, seed: UInt64(n + 1))
      let expected = composer.compose(
        image, map: placement.place(map), label: "cat 0.\(n)")
      placement.colormapIndices(map, into: &indices, across: &across)
      // Its own pixels (not shared with `image`), so the blend really runs in place.
      let copy = RGBImage(width: image.width, height: image.height, pixels: image.pixels.map { $0 })
      let out = composer.compose(
        copy, indices: indices, label: "cat 0.\(n)", table: &table, pool: pool)
      #expect(out == expected)
      pool.recycle(out.pixels)
    }
  }

  @Test("the peak pass agrees with the per-pixel formula on long runs and block edges")
  func peakOnRuns() {
    // Runs of 1…40 pixels of one entry, so whole 16-pixel blocks start and end mid-run.
    var rng = SeededRandom(seed: 11)
    let (w, h) = (203, 17)
    let pixels = (0..<(w * h * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    var map: [Float] = []
    while map.count < w * h {
      let value = rng.next() % 4 == 0 ? 0 : Float(rng.next() % 1000) / 1000
      map += [Float](repeating: value, count: Int(rng.next() % 40) + 1)
    }
    map.removeLast(map.count - w * h)
    let image = RGBImage(width: w, height: h, pixels: pixels)
    for (colormap, weight) in [(Colormap.jet, Float(0.5)), (.inferno, 0.9), (.gray, 0)] {
      let overlay = Overlay(imageWeight: weight, colormap: colormap)
      #expect(overlay.blend(image, map: map).pixels == OverlayTests.formula(overlay, image, map))
    }
  }

  @Test("reused working memory gives the fresh indices, for every fit")
  func indicesReuse() {
    var indices: [UInt8] = [1, 2, 3]
    var across = [Float](repeating: .nan, count: 5000)
    var rng = SeededRandom(seed: 5)
    let map = (0..<49).map { _ in Float(rng.next() % 1000) / 1000 }
    let fits: [(Fit, PixelRect)] = [
      (.crop, PixelRect(x: 13, y: 0, width: 31, height: 31)),
      (.stretch, PixelRect(x: 0, y: 0, width: 7, height: 7)),
      (.pad, PixelRect(x: 0, y: 1, width: 7, height: 5)),
      (.crop, PixelRect(x: 13, y: 0, width: 31, height: 31)),
    ]
    for (fit, content) in fits {
      let p = HeatmapPlacement(
        mapWidth: 7, mapHeight: 7, frameWidth: 57, frameHeight: 31, fit: fit, content: content)
      p.colormapIndices(map, into: &indices, across: &across)
      #expect(indices == p.colormapIndices(map))
    }
  }
}
