import Testing

@testable import Pipeline

@Suite("Colormap")
struct ColormapTests {
  @Test("jet is OpenCV's COLORMAP_JET in RGB order at both ends and the middle")
  func jet() {
    #expect(Colormap.jet.color(0) == (0, 0, 128))
    #expect(Colormap.jet.color(128.0 / 255) == (130, 255, 126))
    #expect(Colormap.jet.color(1) == (128, 0, 0))
  }

  @Test("the other scales start and end where OpenCV's do")
  func others() {
    #expect(Colormap.turbo.color(0) == (48, 18, 59))
    #expect(Colormap.turbo.color(1) == (122, 4, 3))
    #expect(Colormap.viridis.color(0) == (68, 1, 84))
    #expect(Colormap.viridis.color(1) == (253, 231, 37))
    #expect(Colormap.inferno.color(0) == (0, 0, 4))
    #expect(Colormap.inferno.color(1) == (252, 255, 164))
    #expect(Colormap.gray.color(0.5) == (127, 127, 127))
    for map in Colormap.allCases { #expect(map.table.count == 768) }
  }

  @Test("values truncate to 8 bits like np.uint8(255·mask); out of range and NaN clamp")
  func indexing() {
    #expect(Colormap.index(0.999) == 254)
    #expect(Colormap.index(1.0 / 255) == 1)
    #expect(Colormap.index(0.9999 / 255) == 0)
    #expect(Colormap.index(-3) == 0)
    #expect(Colormap.index(7) == 255)
    #expect(Colormap.index(.nan) == 0)
  }
}
