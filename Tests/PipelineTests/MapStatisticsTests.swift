import Testing

@testable import Pipeline

@Suite("MapStatistics")
struct MapStatisticsTests {
  @Test("the peak and the box around the values ≥ 0.5")
  func box() {
    // 4×3 map.
    let map: [Float] = [
      0, 0.1, 0.2, 0,
      0, 0.6, 1.0, 0.5,
      0, 0.2, 0.7, 0,
    ]
    let s = MapStatistics(map: map, width: 4, height: 3)
    #expect(s.peakX == 2 && s.peakY == 1)
    #expect(s.box == .init(x: 1, y: 1, width: 3, height: 2))
  }

  @Test("a flat map gives the first pixel and a box over everything ≥ 0.5, or the peak alone")
  func flat() {
    let zero = MapStatistics(map: [0, 0, 0, 0], width: 2, height: 2)
    #expect(zero.peakX == 0 && zero.peakY == 0)
    #expect(zero.box == .init(x: 0, y: 0, width: 1, height: 1))
    let one = MapStatistics(map: [1, 1, 1, 1], width: 2, height: 2)
    #expect(one.box == .init(x: 0, y: 0, width: 2, height: 2))
  }
}
