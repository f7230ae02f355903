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

  @Test("8 values at a time give index's entries, down to the last float below each step")
  func vectorIndexing() {
    var values: [Float] = [
      0, -0.0, 1, .nan, .infinity, -.infinity, 1e-30, -1e-30, Float(1).nextDown,
    ]
    for k in 1...255 {
      let step = Float(k) / 255
      values += [step, step.nextDown, step.nextUp]
    }
    var bits: UInt32 = 0
    while bits < 0x3F90_0000 {
      values.append(Float(bitPattern: bits))
      bits += 4099
    }
    while values.count % 8 != 0 { values.append(0.5) }
    for start in stride(from: 0, to: values.count, by: 8) {
      var lanes = SIMD8<Float>()
      for i in 0..<8 { lanes[i] = values[start + i] }
      let got = Colormap.indices(lanes)
      for i in 0..<8 where Int(got[i]) != Colormap.index(lanes[i]) {
        Issue.record("\(lanes[i]): \(got[i]) instead of \(Colormap.index(lanes[i]))")
      }
    }
  }
}
