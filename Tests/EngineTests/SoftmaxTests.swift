import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite("Softmax")
struct SoftmaxTests {
  @Test("rows sum to one along the axis; backward matches finite differences")
  func softmax() {
    var rng = SeededRandom(seed: 2)
    let x = rng.tensor([2, 3, 4], in: -3...3)
    for op in [
      Softmax(axis: 2, coerced2D: false), Softmax(axis: 1, coerced2D: false),
      Softmax(axis: 1, coerced2D: true),
    ] {
      let y = op.forward(x)
      if op.axis == 2 {
        for r in 0..<6 { #expect(abs(y.data[r * 4..<r * 4 + 4].reduce(0, +) - 1) < 1e-6) }
      }
      expectGradients(op, [x])
    }
    // Opset < 13 normalises over everything from the axis on.
    let flat = Softmax(axis: 1, coerced2D: true).forward(x)
    #expect(abs(flat.data[0..<12].reduce(0, +) - 1) < 1e-6)
  }

  @Test("the softmax seed is the gradient of a class probability")
  func seed() {
    let logits = Tensor(shape: [1, 3], data: [1, 2, 0.5])
    let seed = Tensor.softmaxSeed(logits: logits, classes: [1])
    let e = logits.data.map { exp(Double($0)) }
    let s = e.reduce(0, +)
    let p = e.map { $0 / s }
    for j in 0..<3 {
      let expected = p[1] * ((j == 1 ? 1 : 0) - p[j])
      #expect(abs(Double(seed.data[j]) - expected) < 1e-6)
    }
  }
}
