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

  @Test("planes longer than a vector (7×7, 3×5, 4×4): the mean to float rounding")
  func vectorPlanes() {
    var rng = SeededRandom(seed: 4)
    for spatial in [[7, 7], [3, 5], [4, 4], [1, 9]] {
      let x = rng.tensor([2, 3] + spatial)
      let size = spatial.reduce(1, *)
      let y = GlobalAveragePool().forward(x)
      #expect(y.shape == [2, 3, 1, 1])
      for p in 0..<6 {
        let mean = x.data[(p * size)..<((p + 1) * size)].reduce(0.0) { $0 + Double($1) }
        #expect(abs(Double(y.data[p]) - mean / Double(size)) <= 1e-6, "plane \(p) of \(spatial)")
      }
    }
  }
}
