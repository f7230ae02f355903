import TestSupport
import Testing

@testable import Engine

@Suite("Unsqueeze")
struct UnsqueezeTests {
  @Test("inserts size-1 axes at output positions; backward reshapes back")
  func unsqueeze() throws {
    #expect(Unsqueeze(axes: [0, 3]).forward(Tensor(zeros: [2, 3])).shape == [1, 2, 3, 1])
    #expect(try Unsqueeze(axes: [1]).outputShape([.batch, 3]) == [.batch, 1, 3])
    var rng = SeededRandom(seed: 21)
    expectGradients(Unsqueeze(axes: [1]), [rng.tensor([2, 3])])
  }
}
