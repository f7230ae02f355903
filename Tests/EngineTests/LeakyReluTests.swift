import Testing

@testable import Engine

@Suite("LeakyRelu")
struct LeakyReluTests {
  @Test("forward α·x below zero; backward matches finite differences")
  func leaky() {
    let op = LeakyRelu(alpha: 0.1)
    #expect(op.forward(Tensor(shape: [3], data: [-2, 0, 3])).data == [-0.2, 0, 3])
    expectGradients(op, [GradientCheck.avoiding([0], [3, 7])])
  }
}
