import TestSupport
import Testing

@testable import Engine

@Suite("Concat")
struct ConcatTests {
  @Test("joins along an axis; backward slices the gradient apart")
  func concat() throws {
    let a = Tensor(shape: [2, 1], data: [1, 2])
    let b = Tensor(shape: [2, 2], data: [3, 4, 5, 6])
    #expect(Concat(axis: 1).forward([a, b])[0].data == [1, 3, 4, 2, 5, 6])
    #expect(try Concat(axis: 1).outputShapes([[.batch, 2], [.batch, 3]]) == [[.batch, 5]])
    var rng = SeededRandom(seed: 17)
    expectGradients(
      Concat(axis: 1), [rng.tensor([2, 3, 2]), rng.tensor([2, 1, 2]), rng.tensor([2, 2, 2])])
  }
}
