import TestSupport
import Testing

@testable import Engine

@Suite("Div")
struct DivTests {
  @Test("broadcasting forward; backward matches finite differences")
  func div() {
    let a = Tensor(shape: [2], data: [1, 2])
    let b = Tensor(shape: [], data: [4])
    #expect(Div().forward([a, b])[0].data == [0.25, 0.5])
    var rng = SeededRandom(seed: 10)
    let denominators = GradientCheck.avoiding([0], [3, 1], range: -2...2, gap: 0.5)
    expectGradients(Div(), [rng.tensor([3, 4]), denominators], eps: 1e-3)
  }
}
