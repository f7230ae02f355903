import TestSupport
import Testing

@testable import Engine

@Suite("Add")
struct AddTests {
  @Test("broadcasting forward; backward sums over broadcast dimensions")
  func add() {
    let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
    let b = Tensor(shape: [3], data: [10, 20, 30])
    #expect(Add().forward([a, b])[0].data == [11, 22, 33, 14, 25, 36])
    var rng = SeededRandom(seed: 7)
    expectGradients(Add(), [rng.tensor([2, 3, 4, 5]), rng.tensor([1, 3, 1, 1])])
    expectGradients(Add(), [rng.tensor([4, 1]), rng.tensor([1, 5])])
    expectGradients(Add(), [rng.tensor([]), rng.tensor([2, 2])])
  }
}
