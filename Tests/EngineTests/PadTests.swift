import TestSupport
import Testing

@testable import Engine

@Suite("Pad")
struct PadTests {
  @Test("constant, reflect, edge and wrap modes, negative pads crop; backward accumulates")
  func pad() {
    let x = Tensor(shape: [1, 3], data: [1, 2, 3])
    let pads = [(0, 0), (2, 1)]
    #expect(Pad(pads: pads, mode: .constant, value: 9).forward(x).data == [9, 9, 1, 2, 3, 9])
    #expect(Pad(pads: pads, mode: .reflect, value: 0).forward(x).data == [3, 2, 1, 2, 3, 2])
    #expect(Pad(pads: pads, mode: .edge, value: 0).forward(x).data == [1, 1, 1, 2, 3, 3])
    #expect(Pad(pads: pads, mode: .wrap, value: 0).forward(x).data == [2, 3, 1, 2, 3, 1])
    #expect(Pad(pads: [(0, 0), (-1, 1)], mode: .constant, value: 0).forward(x).data == [2, 3, 0])
    var rng = SeededRandom(seed: 23)
    for mode in [PadMode.constant, .reflect, .edge, .wrap] {
      expectGradients(
        Pad(pads: [(0, 0), (1, 0), (2, 1), (0, 3)], mode: mode, value: 0.5),
        [rng.tensor([1, 2, 4, 5])])
    }
    #expect(
      Pad(pads: [(0, 0), (0, 0), (0, 1), (0, 1)], mode: .constant, value: 0).spatialZeroPads == [
        0, 0, 1, 1,
      ])
  }
}
