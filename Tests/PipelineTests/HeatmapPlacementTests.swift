import TestSupport
import Testing
import VideoIO

@testable import Pipeline

@Suite("HeatmapPlacement")
struct HeatmapPlacementTests {
  @Test("stretch is cv2.resize INTER_LINEAR (half-pixel centres, replicated edges)")
  func stretch() {
    let p = HeatmapPlacement(
      mapWidth: 2, mapHeight: 2, frameWidth: 4, frameHeight: 4, fit: .stretch,
      content: PixelRect(x: 0, y: 0, width: 2, height: 2))
    let expected: [Float] = [
      0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3,
    ]
    #expect(p.place([0, 1, 2, 3]) == expected)
  }

  @Test("non-integer ratios match OpenCV's values")
  func fractional() {
    let p = HeatmapPlacement(
      mapWidth: 4, mapHeight: 3, frameWidth: 7, frameHeight: 5, fit: .stretch,
      content: PixelRect(x: 0, y: 0, width: 4, height: 3))
    let out = p.place((0..<12).map(Float.init))
    // cv2.resize(np.arange(12, dtype=np.float32).reshape(3, 4), (7, 5)), rows 0 and 1.
    let expected: [Float] = [
      0, 0.35714, 0.92857, 1.5, 2.07143, 2.64286, 3,
      1.6, 1.95714, 2.52857, 3.1, 3.67143, 4.24286, 4.6,
    ]
    for (a, b) in zip(out.prefix(14), expected) { #expect(abs(a - b) < 1e-4) }
    #expect(abs(out[34] - 11) < 1e-6)
  }

  @Test("crop covers only the part of the frame the model saw; outside is 0")
  func crop() {
    // A 6×2 frame, centre-cropped to its 2×2 middle (x 2..<4), model map 2×2.
    let p = HeatmapPlacement(
      mapWidth: 2, mapHeight: 2, frameWidth: 6, frameHeight: 2, fit: .crop,
      content: PixelRect(x: 2, y: 0, width: 2, height: 2))
    let out = p.place([1, 2, 3, 4])
    #expect(out == [0, 0, 1, 2, 0, 0, 0, 0, 3, 4, 0, 0])
  }

  @Test("pad drops the letterbox bars and stretches the content over the frame")
  func pad() {
    // A 2×1 frame letterboxed into a 2×4 map: content rows 1..<3... here 2×2 content at y 1.
    let p = HeatmapPlacement(
      mapWidth: 2, mapHeight: 4, frameWidth: 2, frameHeight: 2, fit: .pad,
      content: PixelRect(x: 0, y: 1, width: 2, height: 2))
    let map: [Float] = [9, 9, 1, 2, 3, 4, 9, 9]
    #expect(p.place(map) == [1, 2, 3, 4])
  }

  @Test(
    "colormap entries are those of the placed map, for every fit",
    arguments: [
      (Fit.stretch, PixelRect(x: 0, y: 0, width: 7, height: 7)),
      (.crop, PixelRect(x: 13, y: 0, width: 31, height: 31)),
      (.pad, PixelRect(x: 0, y: 1, width: 7, height: 5)),
    ])
  func indices(_ fit: Fit, _ content: PixelRect) {
    var rng = SeededRandom(seed: 3)
    let map = (0..<49).map { _ in Float(Int(rng.next() % 1100) - 50) / 1000 }
    let p = HeatmapPlacement(
      mapWidth: 7, mapHeight: 7, frameWidth: 57, frameHeight: 31, fit: fit, content: content)
    let expected = p.place(map).map { UInt8(Colormap.index($0)) }
    #expect(p.colormapIndices(map) == expected)
  }
}
