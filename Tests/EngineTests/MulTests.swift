import TestSupport
import Testing

@testable import Engine

@Suite("Mul")
struct MulTests {
  @Test("a squeeze-excite gate [N,C,1,1] · [N,C,H,W]; backward matches finite differences")
  func mul() {
    let a = Tensor(shape: [1, 2, 1, 1], data: [2, 3])
    let b = Tensor(shape: [1, 2, 1, 2], data: [1, 2, 3, 4])
    #expect(Mul().forward([a, b])[0].data == [2, 4, 9, 12])
    var rng = SeededRandom(seed: 9)
    expectGradients(Mul(), [rng.tensor([2, 3, 1, 1]), rng.tensor([2, 3, 4, 3])])
    expectGradients(Mul(), [rng.tensor([2, 3, 4]), rng.tensor([2, 3, 4])])
  }
}
