import Foundation

@testable import Engine

/// Small ONNX models for the tests, written with the generated protobuf types.
enum ModelBuilder {
  /// A model of one node reading `input` (and the initializers) and writing `output`.
  static func singleNode(
    _ opType: String, inputShape: [Int?], attributes: [Onnx_AttributeProto] = [],
    extraInputs: [Onnx_TensorProto] = [],
    omitted: Set<Int> = [], opset: Int = 17, outputs: Int = 1
  ) -> Onnx_ModelProto {
    var inputs = ["input"] + extraInputs.map(\.name)
    for i in omitted.sorted() { inputs.insert("", at: i) }
    let outs = (0..<outputs).map { "y\($0)" }
    let node = ONNXWriter.node(
      opType, name: "the_node", inputs: inputs, outputs: outs, attributes: attributes)
    return ONNXWriter.model(
      nodes: [node], input: ONNXWriter.valueInfo("input", shape: inputShape), outputs: outs,
      initializers: extraInputs, opset: opset)
  }

  static func load(_ proto: Onnx_ModelProto, name: String = "test.onnx") throws -> Model {
    try Model.load(data: ONNXWriter.data(proto), url: URL(fileURLWithPath: "/tmp/\(name)"))
  }
}
