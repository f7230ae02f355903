import TestSupport
import Testing

@testable import Engine

@Suite("GlobalAveragePool")
struct GlobalAveragePoolTests {
  @Test("the mean of each plane; backward spreads dy/HW")
  func pool() {
    let x = Tensor(shape: [1, 2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8])
    let y = GlobalAveragePool().forward(x)
    #expect(y.shape == [1, 2, 1, 1] && y.data == [2.5, 6.5])
    var rng = SeededRandom(seed: 3)
    expectGradients(GlobalAveragePool(), [rng.tensor([2, 3, 5, 4])])
  }
}
