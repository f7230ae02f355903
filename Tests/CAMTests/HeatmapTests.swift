import Testing

@testable import CAM

@Suite("Heatmap")
struct HeatmapTests {
  @Test("normalized: (x − min) / (max − min + 1e-7), as scale_cam_image")
  func normalized() {
    let m = Heatmap(width: 2, height: 2, values: [2, 4, 6, 10]).normalized()
    let d: Float = 8 + 1e-7
    #expect(m.values == [0, 2 / d, 4 / d, 8 / d])
    #expect(Heatmap(width: 2, height: 1, values: [3, 3]).normalized().values == [0, 0])
  }

  @Test("resized: OpenCV INTER_LINEAR geometry (half-pixel centres, clamped edges)")
  func resized() {
    // 2 → 4: src = (d + 0.5)/2 − 0.5 = −0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    let m = Heatmap(width: 2, height: 1, values: [0, 8]).resized(width: 4, height: 1)
    #expect(m.values == [0, 2, 6, 8])
    // 7 → 224 (scale 32): the first 16 columns repeat column 0; column 16 is 1/64 of the way.
    let row = Heatmap(width: 7, height: 1, values: [0, 64, 0, 0, 0, 0, 0])
      .resized(width: 224, height: 1).values
    #expect(row[0..<16].allSatisfy { $0 == 0 })
    #expect(abs(row[16] - 1) < 1e-5)
    #expect(abs(row[47] - 63) < 1e-4)
    // Separable: a 2×2 → 4×4 corner value and a centre value.
    let square = Heatmap(width: 2, height: 2, values: [0, 4, 8, 12]).resized(width: 4, height: 4)
    #expect(square.values[0] == 0 && square.values[15] == 12)
    // (1, 1) samples (0.25, 0.25): 0.5625·0 + 0.1875·4 + 0.1875·8 + 0.0625·12 = 3.
    #expect(abs(square.values[1 * 4 + 1] - 3) < 1e-5)
    // Downsampling 4 → 2: src = 0.5 and 2.5, the means of neighbours.
    #expect(
      Heatmap(width: 4, height: 1, values: [0, 2, 4, 6]).resized(width: 2, height: 1).values == [
        1, 5,
      ])
  }

  @Test("resizedAligningCorners: corners on corners (UpsamplingBilinear2d)")
  func aligned() {
    let m = Heatmap(width: 2, height: 1, values: [0, 9]).resizedAligningCorners(width: 4, height: 1)
    #expect(m.values == [0, 3, 6, 9])
  }

  @Test("flippedHorizontally and rectified")
  func flip() {
    let m = Heatmap(width: 3, height: 2, values: [1, 2, 3, -4, 5, -6])
    #expect(m.flippedHorizontally().values == [3, 2, 1, -6, 5, -4])
    #expect(m.rectified().values == [1, 2, 3, 0, 5, 0])
    #expect(m.maximum == 5)
  }

  @Test("deprocess_image: (x − mean)/(std + 1e-5)·0.1 + 0.5, clipped, ×255 truncated")
  func deprocess() {
    // mean 0, std 1 (population): −1 → 0.4000004·255 = 102.0001 → 102,
    // 1 → 0.5999996·255 = 152.9999 → 152 (truncated, as np.uint8).
    let g = InputGradient(classID: 0, width: 2, height: 1, channels: 1, values: [-1, 1])
    #expect(g.deprocessed() == [102, 152])
    let wide = InputGradient(
      classID: 0, width: 4, height: 1, channels: 1, values: [-100, 0, 0, 100])
    let bytes = wide.deprocessed()
    #expect(bytes[1] == 127 && bytes[2] == 127)  // 0.5 · 255 = 127.5 → 127
    // Weighting by a map multiplies every channel of a pixel.
    let two = InputGradient(classID: 0, width: 2, height: 1, channels: 2, values: [1, 2, 3, 4])
    #expect(
      two.weighted(by: Heatmap(width: 2, height: 1, values: [0.5, 2])).values == [0.5, 1, 6, 8])
  }
}
