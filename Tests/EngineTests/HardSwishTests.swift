import Testing

@testable import Engine

@Suite("HardSwish")
struct HardSwishTests {
  @Test("forward x·relu6(x+3)/6; backward matches finite differences")
  func hardSwish() {
    let y = HardSwish().forward(Tensor(shape: [4], data: [-4, 0, 1, 4]))
    #expect(y.data[0] == 0 && y.data[1] == 0 && abs(y.data[2] - 1 * 4 / 6) < 1e-6 && y.data[3] == 4)
    expectGradients(HardSwish(), [GradientCheck.avoiding([-3, 3], [5, 6], range: -5...5)])
  }
}
