import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite("Sigmoid")
struct SigmoidTests {
  @Test("forward 1/(1+e^-x); backward matches finite differences")
  func sigmoid() {
    let y = Sigmoid().forward(Tensor(shape: [3], data: [0, 2, -2]))
    #expect(abs(y.data[0] - 0.5) < 1e-7 && abs(y.data[1] - Float(1 / (1 + exp(-2.0)))) < 1e-6)
    var rng = SeededRandom(seed: 1)
    expectGradients(Sigmoid(), [rng.tensor([4, 6], in: -4...4)])
  }
}
