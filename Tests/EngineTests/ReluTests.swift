import Testing

@testable import Engine

@Suite("Relu")
struct ReluTests {
  @Test("forward is max(x, 0); backward matches finite differences away from the kink")
  func relu() {
    let x = Tensor(shape: [2, 3], data: [-2, -0.5, 0.25, 1, 3, -1])
    #expect(Relu().forward(x).data == [0, 0, 0.25, 1, 3, 0])
    expectGradients(Relu(), [GradientCheck.avoiding([0], [2, 3, 4, 5])])
  }

  @Test("guided backprop passes only positive gradients where the input was positive")
  func guided() {
    let x = Tensor(shape: [4], data: [-1, 2, 3, -4])
    let dy = Tensor(shape: [4], data: [5, -6, 7, 8])
    let y = Relu().forward(x)
    #expect(Relu().gradient(x: x, y: y, dy: dy, guided: false).data == [0, -6, 7, 0])
    #expect(Relu().gradient(x: x, y: y, dy: dy, guided: true).data == [0, 0, 7, 0])
  }
}
