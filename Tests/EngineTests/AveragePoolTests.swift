import TestSupport
import Testing

@testable import Engine

@Suite("AveragePool")
struct AveragePoolTests {
  @Test("count_include_pad on and off, ceil mode; backward matches finite differences")
  func pool() {
    let x = Tensor(shape: [1, 1, 3, 3], data: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    let window = PoolWindow(
      kernel: [2, 2], strides: [2, 2], dilations: [1, 1], pads: [1, 1, 0, 0], ceilMode: false)
    let excl = AveragePool(window: window, countIncludePad: false).forward(x)
    #expect(excl.shape == [1, 1, 2, 2])
    #expect(excl.data == [1, 2.5, 5.5, 7])
    let incl = AveragePool(window: window, countIncludePad: true).forward(x)
    #expect(incl.data == [0.25, 1.25, 2.75, 7])
    var rng = SeededRandom(seed: 4)
    let odd = PoolWindow(
      kernel: [3, 2], strides: [2, 1], dilations: [1, 1], pads: [1, 0, 1, 1], ceilMode: true)
    for include in [false, true] {
      expectGradients(
        AveragePool(window: odd, countIncludePad: include), [rng.tensor([2, 2, 7, 5])])
    }
  }
}
