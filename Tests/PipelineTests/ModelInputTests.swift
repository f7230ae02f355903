import Engine
import Testing
import VideoIO

@testable import Pipeline

@Suite("ModelInput")
struct ModelInputTests {
  @Test("normalises RGB to (x/255 − mean)/std in NCHW planes")
  func normalisation() {
    let input = ModelInput(width: 2, height: 1, mean: [0.5, 0.4, 0.3], std: [0.5, 0.2, 0.1])
    let a = RGBImage(width: 2, height: 1, pixels: [0, 255, 51, 255, 0, 102])
    let b = RGBImage(width: 2, height: 1, fill: 255)
    let t = input.tensor([a, b])
    #expect(t.shape == [2, 3, 1, 2])
    let expected: [Float] = [
      -1, 1,  // R of a: 0 and 255
      (1 - 0.4) / 0.2, (0 - 0.4) / 0.2,  // G
      (0.2 - 0.3) / 0.1, (0.4 - 0.3) / 0.1,  // B
      1, 1, 3, 3, 7, 7,  // b: all 255
    ]
    for (x, y) in zip(t.data, expected) { #expect(abs(x - y) < 1e-5) }
  }

  @Test("the fit decides which part of a frame the model sees")
  func fitting() throws {
    var px = [UInt8](repeating: 0, count: 400 * 200 * 3)
    for y in 0..<200 { for x in 200..<400 { px[(y * 400 + x) * 3] = 255 } }  // right half red
    let frame = RGBImage(width: 400, height: 200, pixels: px)
    let scaler = try ImageScaler()
    let crop = try ModelInput(width: 10, height: 10, mean: [0, 0, 0], std: [1, 1, 1], fit: .crop)
      .fitted(frame, scaler: scaler)
    #expect(crop.content == PixelRect(x: 100, y: 0, width: 200, height: 200))
    #expect(crop.image[0, 5].0 == 0 && crop.image[9, 5].0 == 255)
    let pad = try ModelInput(width: 10, height: 10, mean: [0, 0, 0], std: [1, 1, 1], fit: .pad)
      .fitted(frame, scaler: scaler)
    #expect(pad.content == PixelRect(x: 0, y: 2, width: 10, height: 5))
  }
}
