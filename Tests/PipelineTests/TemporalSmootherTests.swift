import Testing

@testable import Pipeline

@Suite("TemporalSmoother")
struct TemporalSmootherTests {
  @Test("an EMA with weight A on the past")
  func ema() {
    var s = TemporalSmoother(weight: 0.5)
    #expect(s.smooth([1, 0], classID: 3) == [1, 0])
    #expect(s.smooth([0, 1], classID: 3) == [0.5, 0.5])
    #expect(s.smooth([0, 1], classID: 3) == [0.25, 0.75])
  }

  @Test("a change of class restarts the average; weight 0 passes maps through")
  func restart() {
    var s = TemporalSmoother(weight: 0.8)
    _ = s.smooth([1, 1], classID: 1)
    #expect(s.smooth([0, 0.5], classID: 2) == [0, 0.5])
    var off = TemporalSmoother(weight: 0)
    _ = off.smooth([1, 1], classID: 1)
    #expect(off.smooth([0.2, 0.4], classID: 1) == [0.2, 0.4])
  }
}
