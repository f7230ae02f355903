import TestSupport
import Testing

@testable import Engine

@Suite("Reshape")
struct ReshapeTests {
  @Test("0 copies, -1 infers, a batch-dependent target becomes a run-time rule")
  func reshape() throws {
    let model = try ModelBuilder.load(
      ModelBuilder.singleNode(
        "Reshape", inputShape: [nil, 4, 3],
        extraInputs: [ONNXWriter.tensor(name: "shape", shape: [3], int64s: [0, 2, -1])]))
    #expect(model.outputShapes == [[.batch, 2, 6]])
    var rng = SeededRandom(seed: 15)
    let x = rng.tensor([3, 4, 3])
    let y = try model.predict(x)[0]
    #expect(y.shape == [3, 2, 6] && y.data == x.data)
    let op = Reshape(target: [.copy(0), .known(12)], inferredShape: [.batch, 12])
    expectGradients(op, [rng.tensor([2, 3, 4])])
    #expect(
      Reshape(target: [.inferred, .known(2)], inferredShape: []).shape(for: [3, 4]) == [6, 2])
  }
}
