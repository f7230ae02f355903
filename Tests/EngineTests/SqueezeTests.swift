import TestSupport
import Testing

@testable import Engine

@Suite("Squeeze")
struct SqueezeTests {
  @Test("removes size-1 axes; backward reshapes back")
  func squeeze() throws {
    #expect(Squeeze(axes: [1, 3]).forward(Tensor(zeros: [2, 1, 3, 1])).shape == [2, 3])
    #expect(throws: NodeError.self) { try Squeeze(axes: [0]).outputShape([2, 1]) }
    var rng = SeededRandom(seed: 20)
    expectGradients(Squeeze(axes: [2]), [rng.tensor([2, 3, 1])])
  }
}
