import TestSupport
import Testing

@testable import Engine

@Suite("MaxPool")
struct MaxPoolTests {
  @Test("the window maximum, padding never wins; backward routes dy to the maximum")
  func pool() {
    let x = Tensor(shape: [1, 1, 3, 3], data: [-1, -2, -3, -4, -5, -6, -7, -8, -9])
    let window = PoolWindow(
      kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1], ceilMode: false)
    let y = MaxPool(window: window).forward(x)
    #expect(y.shape == [1, 1, 2, 2] && y.data == [-1, -2, -4, -5])
    // Distinct values well apart, so ε never changes which element is the maximum.
    var rng = SeededRandom(seed: 5)
    var values = (0..<(2 * 3 * 9 * 8)).map { Float($0) * 0.1 }
    values.shuffle(using: &rng)
    let z = Tensor(shape: [2, 3, 9, 8], data: values)
    let odd = PoolWindow(
      kernel: [3, 2], strides: [2, 2], dilations: [1, 2], pads: [1, 0, 1, 1], ceilMode: true)
    expectGradients(MaxPool(window: odd), [z])
    expectGradients(MaxPool(window: window), [z])
  }
}
