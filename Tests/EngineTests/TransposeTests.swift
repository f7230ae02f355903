import TestSupport
import Testing

@testable import Engine

@Suite("Transpose")
struct TransposeTests {
  @Test("permutes dimensions (ShuffleNet's channel shuffle); backward applies the inverse")
  func transpose() {
    let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
    #expect(Transpose(perm: [1, 0]).forward(x).data == [1, 4, 2, 5, 3, 6])
    var rng = SeededRandom(seed: 16)
    let z = rng.tensor([2, 2, 3, 2, 2])
    let y = Transpose(perm: [0, 2, 1, 3, 4]).forward(z)
    #expect(y.shape == [2, 3, 2, 2, 2])
    // y[n, c, g, h, w] = z[n, g, c, h, w]
    let yIndex: Int = (((1 * 3 + 2) * 2 + 1) * 2 + 1) * 2
    let zIndex: Int = (((1 * 2 + 1) * 3 + 2) * 2 + 1) * 2
    #expect(y.data[yIndex] == z.data[zIndex])
    expectGradients(Transpose(perm: [0, 2, 1, 3, 4]), [z])
    expectGradients(Transpose(perm: [2, 0, 1]), [rng.tensor([2, 3, 4])])
  }
}
