import TestSupport
import Testing

@testable import Engine

@Suite("Slice")
struct SliceTests {
  @Test("negative indices, clamping, negative steps; backward scatters into zeros")
  func slice() throws {
    let x = Tensor(shape: [2, 5], data: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    let op = Slice(ranges: [Slice.AxisRange(axis: 1, start: -1, end: -Int.max, step: -2)])
    #expect(op.forward(x).data == [4, 2, 0, 9, 7, 5])
    let clamp = Slice(ranges: [Slice.AxisRange(axis: 1, start: 1, end: 100, step: 1)])
    #expect(clamp.forward(x).shape == [2, 4])
    #expect(clamp.forward(x).data == [1, 2, 3, 4, 6, 7, 8, 9])
    let middle = Slice(ranges: [Slice.AxisRange(axis: 0, start: 1, end: 2, step: 1)])
    #expect(middle.forward(x).data == [5, 6, 7, 8, 9])
    var rng = SeededRandom(seed: 19)
    expectGradients(op, [rng.tensor([3, 5])])
    expectGradients(
      Slice(ranges: [
        Slice.AxisRange(axis: 0, start: 1, end: 3, step: 1),
        Slice.AxisRange(axis: 2, start: 0, end: 4, step: 3),
      ]), [rng.tensor([4, 2, 5])])
    // The batch axis may only be sliced whole.
    #expect(try clamp.outputShape([.batch, 5]) == [.batch, 4])
    #expect(throws: NodeError.self) {
      try Slice(ranges: [Slice.AxisRange(axis: 0, start: 0, end: 1, step: 1)]).outputShape([
        .batch, 5,
      ])
    }
  }
}
