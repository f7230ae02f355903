import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite("GraphCompiler")
struct GraphCompilerTests {
  func load(_ m: Onnx_ModelProto) throws -> Model {
    try Model.load(data: try ONNXWriter.data(m), url: URL(fileURLWithPath: "/tmp/graph.onnx"))
  }

  /// ShuffleNet's channel shuffle as torch exports it: the target shape of the Reshape is
  /// computed from `Shape` of the activation, so it depends on the dynamic batch.
  func channelShuffle() -> Onnx_ModelProto {
    func const(_ name: String, _ v: [Int], scalar: Bool = false) -> Onnx_NodeProto {
      ONNXWriter.node(
        "Constant", name: name, inputs: [], outputs: [name],
        attributes: [
          ONNXWriter.attribute(
            "value", tensor: ONNXWriter.tensor(name: "", shape: scalar ? [] : [v.count], int64s: v))
        ])
    }
    var nodes: [Onnx_NodeProto] = []
    nodes.append(ONNXWriter.node("Shape", name: "shape", inputs: ["input"], outputs: ["s"]))
    for (i, name) in ["n", "c", "h", "w"].enumerated() {
      nodes.append(const("i\(i)", [i], scalar: true))
      nodes.append(
        ONNXWriter.node(
          "Gather", name: "g\(i)", inputs: ["s", "i\(i)"], outputs: [name],
          attributes: [ONNXWriter.attribute("axis", int: 0)]))
    }
    nodes.append(const("two", [2], scalar: true))
    nodes.append(ONNXWriter.node("Div", name: "div", inputs: ["c", "two"], outputs: ["half"]))
    nodes.append(
      ONNXWriter.node(
        "Cast", name: "cast", inputs: ["half"], outputs: ["halfi"],
        attributes: [ONNXWriter.attribute("to", int: 7)]))
    nodes.append(const("axes", [0]))
    for name in ["n", "halfi", "h", "w"] {
      nodes.append(
        ONNXWriter.node(
          "Unsqueeze", name: "u_\(name)", inputs: [name, "axes"], outputs: ["u_\(name)"]))
    }
    nodes.append(const("k2", [2]))
    nodes.append(
      ONNXWriter.node(
        "Concat", name: "cat", inputs: ["u_n", "k2", "u_halfi", "u_h", "u_w"], outputs: ["shape5"],
        attributes: [ONNXWriter.attribute("axis", int: 0)]))
    nodes.append(
      ONNXWriter.node("Reshape", name: "r1", inputs: ["input", "shape5"], outputs: ["x5"]))
    nodes.append(
      ONNXWriter.node(
        "Transpose", name: "t", inputs: ["x5"], outputs: ["t5"],
        attributes: [ONNXWriter.attribute("perm", ints: [0, 2, 1, 3, 4])]))
    nodes.append(
      ONNXWriter.node(
        "Concat", name: "cat2", inputs: ["u_n", "u_halfi", "k2", "u_h", "u_w"], outputs: ["back"],
        attributes: [ONNXWriter.attribute("axis", int: 0)]))
    nodes.append(const("m1", [-1]))
    // A dead branch: [N, C/2, 2, H].
    nodes.append(
      ONNXWriter.node("Slice", name: "sl", inputs: ["back", "axes", "m1"], outputs: ["nc"]))
    nodes.append(const("hw", [0, -1]))
    nodes.append(ONNXWriter.node("Reshape", name: "r2", inputs: ["t5", "hw"], outputs: ["y"]))
    return ONNXWriter.model(
      nodes: nodes, input: ONNXWriter.valueInfo("input", shape: [nil, 4, 2, 3]), outputs: ["y"])
  }

  @Test("shape arithmetic on a dynamic batch folds to constants and runs at any batch size")
  func foldsShapeArithmetic() throws {
    let model = try load(channelShuffle())
    #expect(model.plan.steps.map(\.opType) == ["Reshape", "Transpose", "Reshape"])
    #expect(model.outputShapes == [[.batch, Dim(perBatch: 0, offset: 24)]])
    for n in [1, 3] {
      var rng = SeededRandom(seed: UInt64(n))
      let x = rng.tensor([n, 4, 2, 3])
      let y = try model.predict(x)[0]
      #expect(y.shape == [n, 24])
      // Channel c of group g goes to position 2c + g.
      for b in 0..<n {
        for g in 0..<2 {
          for c in 0..<2 {
            for p in 0..<6 {
              #expect(y.data[b * 24 + (2 * c + g) * 6 + p] == x.data[b * 24 + (g * 2 + c) * 6 + p])
            }
          }
        }
      }
    }
  }

  func convGraph(
    _ extra: [Onnx_NodeProto], output: String, extraInits: [Onnx_TensorProto] = [],
    outputs: [String]? = nil
  ) -> Onnx_ModelProto {
    var rng = SeededRandom(seed: 31)
    let w = rng.tensor([3, 2, 3, 3])
    return ONNXWriter.model(
      nodes: [
        ONNXWriter.node(
          "Conv", name: "conv", inputs: ["input", "w"], outputs: ["c"],
          attributes: [ONNXWriter.attribute("pads", ints: [1, 1, 1, 1])])
      ] + extra,
      input: ONNXWriter.valueInfo("input", shape: [nil, 2, 5, 6]), outputs: outputs ?? [output],
      initializers: [ONNXWriter.tensor(name: "w", shape: [3, 2, 3, 3], floats: w.data)] + extraInits
    )
  }

  @Test("BatchNormalization folds into the Conv before it, ReLU fuses, results unchanged")
  func foldsBatchNormAndActivation() throws {
    var rng = SeededRandom(seed: 32)
    let bnInits = ["g", "b", "m", "v"].map { name in
      ONNXWriter.tensor(
        name: name, shape: [3],
        floats: (0..<3).map { _ in Float.random(in: 0.5...1.5, using: &rng) })
    }
    let m = convGraph(
      [
        ONNXWriter.node(
          "BatchNormalization", name: "bn", inputs: ["c", "g", "b", "m", "v"], outputs: ["n"]),
        ONNXWriter.node("Relu", name: "relu", inputs: ["n"], outputs: ["y"]),
      ], output: "y", extraInits: bnInits)
    let model = try load(m)
    #expect(model.plan.steps.map(\.opType) == ["Conv"])
    #expect(throws: EngineError.foldedTensor(name: "c", into: "y")) { try model.resolveTensor("c") }
    // Against the three operators run one by one.
    let x = rng.tensor([2, 2, 5, 6])
    let unfused = try load(
      convGraph(
        [
          ONNXWriter.node(
            "BatchNormalization", name: "bn", inputs: ["c", "g", "b", "m", "v"], outputs: ["n"]),
          ONNXWriter.node("Relu", name: "relu", inputs: ["n"], outputs: ["y"]),
        ], output: "y", extraInits: bnInits, outputs: ["y", "c", "n"]))
    #expect(unfused.plan.steps.map(\.opType) == ["Conv", "BatchNormalization", "Relu"])
    let a = try model.predict(x)[0]
    let b = try unfused.predict(x)[0]
    #expect(Difference(a.data, b.data).maxAbs < 1e-5)
    // And the input gradients agree.
    let seed = Tensor(shape: a.shape, repeating: 1)
    let ga = try model.forward(x).backward(from: [seed], to: ["input"])[0].gradient
    let pu = try unfused.forward(x)
    let gb = try pu.backward(
      from: [seed, Tensor(zeros: pu.outputs[1].shape), Tensor(zeros: pu.outputs[2].shape)],
      to: ["input"])[0].gradient
    #expect(Difference(ga.data, gb.data).maxAbs < 1e-4)
  }

  @Test("a zero Pad merges into the Conv's pads; other Pads stay")
  func mergesPad() throws {
    let pads = ONNXWriter.tensor(name: "p", shape: [8], int64s: [0, 0, 0, 1, 0, 0, 2, 1])
    func graph(mode: String) -> Onnx_ModelProto {
      var rng = SeededRandom(seed: 33)
      let w = rng.tensor([3, 2, 3, 3])
      return ONNXWriter.model(
        nodes: [
          ONNXWriter.node(
            "Pad", name: "pad", inputs: ["input", "p"], outputs: ["padded"],
            attributes: [ONNXWriter.attribute("mode", string: mode)]),
          ONNXWriter.node(
            "Conv", name: "conv", inputs: ["padded", "w"], outputs: ["y"],
            attributes: [ONNXWriter.attribute("strides", ints: [2, 2])]),
        ],
        input: ONNXWriter.valueInfo("input", shape: [nil, 2, 7, 8]), outputs: ["y"],
        initializers: [pads, ONNXWriter.tensor(name: "w", shape: [3, 2, 3, 3], floats: w.data)])
    }
    let merged = try load(graph(mode: "constant"))
    #expect(merged.plan.steps.map(\.opType) == ["Conv"])
    let kept = try load(graph(mode: "reflect"))
    #expect(kept.plan.steps.map(\.opType) == ["Pad", "Conv"])
    var rng = SeededRandom(seed: 34)
    let x = rng.tensor([1, 2, 7, 8])
    let conv = try #require(merged.plan.steps[0].op as? Conv)
    #expect(conv.pads == [0, 1, 2, 1])
    let manual = Conv(
      weight: conv.weight, bias: nil, group: 1, strides: [2, 2], dilations: [1, 1],
      pads: [0, 0, 0, 0]
    )
    .forward([Pad(pads: [(0, 0), (0, 0), (0, 2), (1, 1)], mode: .constant, value: 0).forward(x)])[0]
    #expect(Difference(try merged.predict(x)[0].data, manual.data).maxAbs < 1e-5)
  }

  @Test("nodes whose outputs nothing reads are dropped; graph outputs are never fused away")
  func deadCode() throws {
    let m = convGraph(
      [
        ONNXWriter.node("Relu", name: "relu", inputs: ["c"], outputs: ["y"]),
        ONNXWriter.node("Sigmoid", name: "unused", inputs: ["c"], outputs: ["dead"]),
      ], output: "y", outputs: ["y", "c"])
    let model = try load(m)
    #expect(model.plan.steps.map(\.opType) == ["Conv", "Relu"])
  }
}
