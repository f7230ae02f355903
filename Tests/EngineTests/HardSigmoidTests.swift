import Testing

@testable import Engine

@Suite("HardSigmoid")
struct HardSigmoidTests {
  @Test("forward max(0, min(1, αx+β)); backward matches finite differences")
  func hardSigmoid() {
    let op = HardSigmoid(alpha: 1.0 / 6, beta: 0.5)
    let y = op.forward(Tensor(shape: [3], data: [-4, 0, 4]))
    #expect(y.data == [0, 0.5, 1])
    expectGradients(op, [GradientCheck.avoiding([-3, 3], [5, 5], range: -5...5)])
  }
}
