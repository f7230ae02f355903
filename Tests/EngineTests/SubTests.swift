import TestSupport
import Testing

@testable import Engine

@Suite("Sub")
struct SubTests {
  @Test("broadcasting forward; backward matches finite differences")
  func sub() {
    let a = Tensor(shape: [2, 1], data: [1, 2])
    let b = Tensor(shape: [1, 2], data: [10, 20])
    #expect(Sub().forward([a, b])[0].data == [-9, -19, -8, -18])
    var rng = SeededRandom(seed: 8)
    expectGradients(Sub(), [rng.tensor([3, 1, 4]), rng.tensor([2, 1])])
  }
}
