import TestSupport
import Testing

@testable import Engine

@Suite("Gather")
struct GatherTests {
  @Test("picks indices along an axis (repeats allowed); backward scatter-adds")
  func gather() {
    let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
    let op = Gather(axis: 1, indices: [2, 0, 2], indexShape: [3])
    #expect(op.forward(x).data == [3, 1, 3, 6, 4, 6])
    let scalar = Gather(axis: 1, indices: [1], indexShape: [])
    #expect(scalar.forward(x).shape == [2] && scalar.forward(x).data == [2, 5])
    var rng = SeededRandom(seed: 22)
    expectGradients(op, [rng.tensor([2, 3, 2])])
    expectGradients(
      Gather(axis: 0, indices: [1, 1, 0, 2], indexShape: [2, 2]), [rng.tensor([3, 2])])
  }
}
