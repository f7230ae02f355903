import Testing

@testable import Pipeline

@Suite("StableTarget")
struct StableTargetTests {
  /// Probabilities over 3 classes with `p` on class `c` and the rest shared.
  func frame(_ c: Int, _ p: Float) -> [Float] {
    (0..<3).map { $0 == c ? p : (1 - p) / 2 }
  }

  @Test("near-equal classes alternating frame by frame do not move the target")
  func wavering() {
    var stable = StableTarget()
    var raw = SwitchCounter()
    var targets: [Int] = []
    for i in 0..<40 {
      let p = i % 2 == 0 ? [0.45, 0.40, 0.15] : [0.40, 0.45, 0.15] as [Float]
      raw.record(StableTarget.argmax(p))
      targets.append(stable.update(p))
    }
    #expect(Set(targets) == [0])
    #expect(stable.switches == 0)
    #expect(raw.switches == 39)
  }

  @Test("a class that wins clearly for several frames takes over, once")
  func clearWinner() {
    var stable = StableTarget()
    var targets: [Int] = []
    for _ in 0..<10 { targets.append(stable.update(frame(0, 0.8))) }
    for _ in 0..<30 { targets.append(stable.update(frame(2, 0.9))) }
    #expect(targets.prefix(10).allSatisfy { $0 == 0 })
    #expect(targets.suffix(10).allSatisfy { $0 == 2 })
    #expect(stable.switches == 1)
    // It waits `hold` frames after the average turns: not on the first frame of class 2.
    #expect(targets[10] == 0 && targets[11] == 0)
  }

  @Test("the first frame's target is its own top-1")
  func first() {
    var stable = StableTarget()
    #expect(stable.update([0.1, 0.2, 0.7]) == 2)
  }
}
