import TestSupport
import Testing

@testable import Engine

@Suite("ReduceMean")
struct ReduceMeanTests {
  @Test("mean over axes with and without keepdims; backward matches finite differences")
  func mean() {
    let x = Tensor(shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8])
    let y = ReduceMean(axes: [1, 2], keepDims: false).forward(x)
    #expect(y.shape == [2] && y.data == [2.5, 6.5])
    let k = ReduceMean(axes: [0], keepDims: true).forward(x)
    #expect(k.shape == [1, 2, 2] && k.data == [3, 4, 5, 6])
    var rng = SeededRandom(seed: 6)
    expectGradients(ReduceMean(axes: [2, 3], keepDims: false), [rng.tensor([2, 3, 4, 5])])
    expectGradients(ReduceMean(axes: [1], keepDims: true), [rng.tensor([2, 3, 4])])
  }

  @Test("axes as an attribute (opset 17) or an input (opset 18)")
  func axesInput() throws {
    let m17 = try ModelBuilder.load(
      ModelBuilder.singleNode(
        "ReduceMean", inputShape: [nil, 2, 3],
        attributes: [
          ONNXWriter.attribute("axes", ints: [-1]), ONNXWriter.attribute("keepdims", int: 0),
        ]))
    let m18 = try ModelBuilder.load(
      ModelBuilder.singleNode(
        "ReduceMean", inputShape: [nil, 2, 3],
        attributes: [ONNXWriter.attribute("keepdims", int: 0)],
        extraInputs: [ONNXWriter.tensor(name: "axes", shape: [1], int64s: [2])], opset: 18))
    let x = Tensor(shape: [1, 2, 3], data: [1, 2, 3, 4, 5, 6])
    #expect(try m17.predict(x)[0].data == [2, 5])
    #expect(try m18.predict(x)[0].data == [2, 5])
  }
}
