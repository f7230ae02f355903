import TestSupport
import Testing

@testable import Engine

@Suite("Flatten")
struct FlattenTests {
  @Test("2-D at the axis, batch dimension symbolic; backward reshapes back")
  func flatten() throws {
    let op = Flatten(axis: 1)
    #expect(op.forward(Tensor(zeros: [2, 3, 4, 5])).shape == [2, 60])
    #expect(try op.outputShape([.batch, 3, 4, 5]) == [.batch, 60])
    #expect(try Flatten(axis: 0).outputShape([.batch, 3]) == [1, Dim(perBatch: 3, offset: 0)])
    var rng = SeededRandom(seed: 14)
    expectGradients(op, [rng.tensor([2, 3, 2])])
  }
}
