import TestSupport
import Testing

@testable import Engine

@Suite("Split")
struct SplitTests {
  @Test("sizes from an input, an attribute or equal parts; backward concatenates")
  func split() throws {
    let x = Tensor(shape: [1, 5], data: [1, 2, 3, 4, 5])
    let parts = Split(axis: 1, sizes: [2, 3]).forward([x])
    #expect(parts.map(\.data) == [[1, 2], [3, 4, 5]])
    var rng = SeededRandom(seed: 18)
    expectGradients(Split(axis: 1, sizes: [1, 3, 2]), [rng.tensor([2, 6, 2])])
    let equal = try ModelBuilder.load(
      ModelBuilder.singleNode(
        "Split", inputShape: [nil, 6], attributes: [ONNXWriter.attribute("axis", int: 1)],
        outputs: 3))
    #expect(equal.outputShapes == [[.batch, 2], [.batch, 2], [.batch, 2]])
    let given = try ModelBuilder.load(
      ModelBuilder.singleNode(
        "Split", inputShape: [nil, 6], attributes: [ONNXWriter.attribute("axis", int: -1)],
        extraInputs: [ONNXWriter.tensor(name: "split", shape: [2], int64s: [4, 2])], outputs: 2))
    #expect(given.outputShapes == [[.batch, 4], [.batch, 2]])
  }
}
