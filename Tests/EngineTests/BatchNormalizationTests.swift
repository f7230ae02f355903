import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite("BatchNormalization")
struct BatchNormalizationTests {
  @Test("γ(x−μ)/√(σ²+ε)+β per channel, from the ONNX node; backward matches finite differences")
  func batchNorm() throws {
    let params: [Onnx_TensorProto] = [
      ONNXWriter.tensor(name: "g", shape: [2], floats: [2, 0.5]),
      ONNXWriter.tensor(name: "b", shape: [2], floats: [1, -1]),
      ONNXWriter.tensor(name: "m", shape: [2], floats: [0.5, 2]),
      ONNXWriter.tensor(name: "v", shape: [2], floats: [4, 0.25]),
    ]
    let model = try ModelBuilder.load(
      ModelBuilder.singleNode(
        "BatchNormalization", inputShape: [nil, 2, 1, 2],
        attributes: [
          ONNXWriter.attribute("epsilon", float: 1e-3),
          ONNXWriter.attribute("momentum", float: 0.9),
        ],
        extraInputs: params))
    let x = Tensor(shape: [1, 2, 1, 2], data: [0.5, 1.5, 2, 3])
    let y = try model.predict(x)[0]
    let s0 = 2 / sqrt(4.001)
    let s1 = 0.5 / sqrt(0.251)
    let expected = [1, 1 + s0, -1, -1 + s1]
    #expect(zip(y.data, expected).allSatisfy { abs(Double($0) - $1) < 1e-6 })
    var rng = SeededRandom(seed: 24)
    expectGradients(
      BatchNormalization(scale: [2, -1, 0.5], shift: [0, 1, 2]), [rng.tensor([2, 3, 2, 2])])
  }
}
