import Testing
import VideoIO

@testable import Pipeline

@Suite("BitmapFont")
struct BitmapFontTests {
  @Test("the table holds 95 glyphs; space is empty and letters have ink")
  func table() {
    let cell = BitmapFont.cellWidth * BitmapFont.cellHeight
    #expect(BitmapFont.coverage.count == 95 * cell)
    #expect(BitmapFont.coverage[0..<cell].allSatisfy { $0 == 0 })
    let a = (Int(("A" as Unicode.Scalar).value) - 32) * cell
    #expect(BitmapFont.coverage[a..<a + cell].filter { $0 > 200 }.count > 20)
  }

  @Test("a label darkens its box, inks its text and leaves the rest of the frame alone")
  func label() {
    var image = RGBImage(width: 200, height: 60, fill: 100)
    BitmapFont.drawLabel("tabby 0.42", on: &image, x: 4, y: 4, scale: 1)
    let (cw, ch) = BitmapFont.cellSize(scale: 1)
    let boxWidth = 10 * cw + 6
    let boxHeight = ch + 6
    // Outside the box: untouched.
    #expect(image[4 + boxWidth + 1, 10] == (100, 100, 100))
    #expect(image[10, 4 + boxHeight + 1] == (100, 100, 100))
    // Inside: the background shaded, and some pixels near white.
    #expect(image[5, 5] == (45, 45, 45))
    var bright = 0
    for y in 4..<(4 + boxHeight) {
      for x in 4..<(4 + boxWidth) where image[x, y].0 > 200 { bright += 1 }
    }
    #expect(bright > 50)
  }

  @Test("text running off the picture is clipped, and larger frames get larger text")
  func clipping() {
    var image = RGBImage(width: 20, height: 10, fill: 0)
    BitmapFont.drawLabel("far too long for this", on: &image, x: -5, y: -5, scale: 3)
    #expect(image.pixels.count == 20 * 10 * 3)
    #expect(BitmapFont.scale(forHeight: 480) == 1)
    #expect(BitmapFont.scale(forHeight: 720) == 2)
    #expect(BitmapFont.scale(forHeight: 2160) == 5)
  }
}
