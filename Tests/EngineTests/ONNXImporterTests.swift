import Foundation
import TestSupport
import Testing

@testable import Engine

@Suite("ONNXImporter")
struct ONNXImporterTests {
  /// A small model: input [N, 2] → MatMul(w [2, 3]) → Add(b [3]) → Relu → y.
  static func small(opset: Int = 17, rawWeights: Bool = true) -> Onnx_ModelProto {
    ONNXWriter.model(
      nodes: [
        ONNXWriter.node("MatMul", name: "mm", inputs: ["input", "w"], outputs: ["h"]),
        ONNXWriter.node("Add", name: "add", inputs: ["h", "b"], outputs: ["z"]),
        ONNXWriter.node("Relu", name: "relu", inputs: ["z"], outputs: ["y"]),
      ],
      input: ONNXWriter.valueInfo("input", shape: [nil, 2]), outputs: ["y"],
      initializers: [
        ONNXWriter.tensor(
          name: "w", shape: [2, 3], floats: [1, 2, 3, -1, -2, -3], raw: rawWeights),
        ONNXWriter.tensor(name: "b", shape: [3], floats: [0.5, 0, -0.5], raw: rawWeights),
      ], opset: opset, metadata: ["camvideo.labels": "a\nb\nc"])
  }

  func load(_ m: Onnx_ModelProto, _ name: String = "m.onnx") throws -> Model {
    try Model.load(data: try ONNXWriter.data(m), url: URL(fileURLWithPath: "/tmp/\(name)"))
  }

  /// The error `body` throws, if any.
  static func error(of body: () throws -> Model) -> (any Error)? {
    do {
      _ = try body()
      return nil
    } catch {
      return error
    }
  }

  @Test(
    "a small model loads from raw_data and from typed fields, with metadata and a dynamic batch")
  func loads() throws {
    for raw in [true, false] {
      let model = try load(Self.small(rawWeights: raw))
      #expect(model.inputShape == [.batch, 2])
      #expect(model.labels == ["a", "b", "c"])
      let y = try model.predict(Tensor(shape: [2, 2], data: [1, 1, 2, 0]))[0]
      #expect(y.data == [0.5, 0, 0, 2.5, 4, 5.5])
    }
  }

  @Test("empty, garbage and truncated files throw errors naming the file")
  func malformed() throws {
    let url = URL(fileURLWithPath: "/tmp/bad.onnx")
    #expect(throws: ModelError.malformed(file: url.path, reason: "the file is empty")) {
      try Model.load(data: Data(), url: url)
    }
    var rng = SeededRandom(seed: 1)
    let garbage = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) })
    let e = #expect(throws: ModelError.self) { try Model.load(data: garbage, url: url) }
    #expect(e?.description.contains("/tmp/bad.onnx") == true)
    let whole = try ONNXWriter.data(Self.small())
    // Every truncation: an error (or, at a field boundary, a smaller model that still checks out).
    for n in 0..<whole.count {
      if let error = Self.error(of: { try Model.load(data: whole.prefix(n), url: url) }) {
        #expect(error is ModelError && "\(error)".contains("/tmp/bad.onnx"), "\(error)")
      }
    }
    #expect(throws: ModelError.self) {
      try Model.load(contentsOf: URL(fileURLWithPath: "/nonexistent/model.onnx"))
    }
  }

  @Test("random byte mutations never crash the importer (a small fuzz run)")
  func fuzz() throws {
    let whole = try ONNXWriter.data(Self.small())
    var rng = SeededRandom(seed: 99)
    var loaded = 0
    for _ in 0..<3000 {
      var bytes = [UInt8](whole)
      for _ in 0..<Int.random(in: 1...8, using: &rng) {
        let i = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
        case 1: bytes[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)
        default: bytes.remove(at: i)
        }
        if bytes.isEmpty { break }
      }
      if let model = try? Model.load(data: Data(bytes), url: URL(fileURLWithPath: "/tmp/fuzz.onnx"))
      {
        loaded += 1
        let n = model.inputShape.first?.value ?? 1
        if let shape = Optional(model.inputShape.resolved(batch: n)), shape.reduce(1, *) < 1 << 20 {
          _ = try? model.predict(Tensor(zeros: shape))
        }
      }
    }
    #expect(loaded < 3000)
  }

  @Test("an unknown op, attribute or data type fails at load naming the node and op type")
  func unsupported() throws {
    var m = Self.small()
    m.graph.node[2].opType = "Frobnicate"
    #expect(throws: ModelError.self) { try load(m) }
    let e1 = #expect(throws: ModelError.self) { try load(m) }
    guard case .unsupportedNode(_, let node, let op, _)? = e1 else {
      Issue.record("\(String(describing: e1))")
      return
    }
    #expect(node == "relu" && op == "Frobnicate")

    var a = Self.small()
    a.graph.node[2].attribute = [ONNXWriter.attribute("mystery", int: 1)]
    let e2 = #expect(throws: ModelError.self) { try load(a) }
    #expect(
      e2
        == .unsupportedNode(
          file: "/tmp/m.onnx", node: "relu", opType: "Relu", reason: "attribute 'mystery'"))

    var t = Self.small()
    t.graph.initializer[1].dataType = 10  // FLOAT16
    let e3 = #expect(throws: ModelError.self) { try load(t) }
    #expect(e3?.description.contains("FLOAT16") == true)

    var d = Self.small()
    d.graph.node[1].domain = "com.microsoft"
    let e4 = #expect(throws: ModelError.self) { try load(d) }
    #expect(e4?.description.contains("'add'") == true)
  }

  @Test("opsets outside 11–21, missing producers and inconsistent tensors are rejected")
  func rejected() throws {
    #expect(throws: ModelError.self) { try load(Self.small(opset: 9)) }
    #expect(throws: ModelError.self) { try load(Self.small(opset: 22)) }
    #expect(throws: Never.self) { try load(Self.small(opset: 11)) }
    var missing = Self.small()
    missing.graph.node[1].input[0] = "nowhere"
    #expect(throws: ModelError.self) { try load(missing) }
    var short = Self.small()
    short.graph.initializer[0].rawData = short.graph.initializer[0].rawData.prefix(20)
    let e = #expect(throws: ModelError.self) { try load(short) }
    #expect(e?.description.contains("tensor 'w'") == true)
    var twoInputs = Self.small()
    twoInputs.graph.input.append(ONNXWriter.valueInfo("other", shape: [1]))
    #expect(throws: ModelError.self) { try load(twoInputs) }
    var dynamicWidth = Self.small()
    dynamicWidth.graph.input[0] = ONNXWriter.valueInfo("input", shape: [nil, nil])
    #expect(throws: ModelError.self) { try load(dynamicWidth) }
  }

  @Test("external data next to the model loads; paths leaving its folder are rejected")
  func externalData() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "camvideo-ext-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var weights = Data()
    for f: Float in [9, 9, 1, 2, 3, -1, -2, -3] {
      withUnsafeBytes(of: f.bitPattern.littleEndian) { weights.append(contentsOf: $0) }
    }
    try weights.write(to: dir.appendingPathComponent("sub/weights.bin"))
    try weights.write(
      to: dir.deletingLastPathComponent().appendingPathComponent(
        "outside-\(dir.lastPathComponent).bin"))
    defer {
      try? FileManager.default.removeItem(
        at: dir.deletingLastPathComponent().appendingPathComponent(
          "outside-\(dir.lastPathComponent).bin"))
    }

    func model(location: String, offset: Int = 8, length: Int? = 24) -> Onnx_ModelProto {
      var m = Self.small()
      var w = Onnx_TensorProto()
      w.name = "w"
      w.dims = [2, 3]
      w.dataType = 1
      w.dataLocation = .external
      var entries = [("location", location), ("offset", "\(offset)")]
      if let length { entries.append(("length", "\(length)")) }
      w.externalData = entries.map { k, v in
        var e = Onnx_StringStringEntryProto()
        e.key = k
        e.value = v
        return e
      }
      m.graph.initializer[0] = w
      return m
    }
    func loadAt(_ m: Onnx_ModelProto) throws -> Model {
      let url = dir.appendingPathComponent("model.onnx")
      try ONNXWriter.data(m).write(to: url)
      return try Model.load(contentsOf: url)
    }
    let ok = try loadAt(model(location: "sub/weights.bin"))
    #expect(try ok.predict(Tensor(shape: [1, 2], data: [1, 1]))[0].data == [0.5, 0, 0])
    #expect(throws: ModelError.self) {
      try loadAt(model(location: "../outside-\(dir.lastPathComponent).bin"))
    }
    #expect(throws: ModelError.self) {
      try loadAt(model(location: dir.appendingPathComponent("sub/weights.bin").path))
    }
    #expect(throws: ModelError.self) { try loadAt(model(location: "sub/missing.bin")) }
    // Runs off the end of the file.
    #expect(throws: ModelError.self) { try loadAt(model(location: "sub/weights.bin", offset: 16)) }
    #expect(throws: ModelError.self) {
      try loadAt(model(location: "sub/weights.bin", offset: 8, length: 20))
    }
  }

  @Test("Constant nodes in every form, Identity and Dropout are folded away")
  func constants() throws {
    let m = ONNXWriter.model(
      nodes: [
        ONNXWriter.node(
          "Constant", name: "c1", inputs: [], outputs: ["k"],
          attributes: [ONNXWriter.attribute("value_floats", floats: [1, 1])]),
        ONNXWriter.node(
          "Constant", name: "c2", inputs: [], outputs: ["two"],
          attributes: [
            ONNXWriter.attribute(
              "value", tensor: ONNXWriter.tensor(name: "", shape: [], floats: [2]))
          ]),
        ONNXWriter.node(
          "Constant", name: "c3", inputs: [], outputs: ["one"],
          attributes: [ONNXWriter.attribute("value_float", float: 1)]),
        ONNXWriter.node(
          "Constant", name: "c4", inputs: [], outputs: ["shape"],
          attributes: [ONNXWriter.attribute("value_ints", ints: [-1, 2])]),
        ONNXWriter.node("Mul", name: "kk", inputs: ["k", "one"], outputs: ["k1"]),
        ONNXWriter.node("Identity", name: "id", inputs: ["input"], outputs: ["i"]),
        ONNXWriter.node("Reshape", name: "r", inputs: ["i", "shape"], outputs: ["ir"]),
        ONNXWriter.node("Sub", name: "sub", inputs: ["ir", "k1"], outputs: ["is"]),
        ONNXWriter.node("Mul", name: "mul", inputs: ["is", "two"], outputs: ["m"]),
        ONNXWriter.node(
          "Dropout", name: "drop", inputs: ["m"], outputs: ["y"],
          attributes: [ONNXWriter.attribute("ratio", float: 0.5)]),
      ],
      input: ONNXWriter.valueInfo("input", shape: [nil, 2]), outputs: ["y"])
    let model = try load(m)
    #expect(model.plan.steps.map(\.opType) == ["Reshape", "Sub", "Mul"])
    #expect(try model.predict(Tensor(shape: [1, 2], data: [1, 3]))[0].data == [0, 4])
    #expect(try model.resolveTensor("i") == "input")
  }

  @Test("absurd sizes and attributes fail to load instead of overflowing or allocating")
  func absurdSizes() throws {
    // ConstantOfShape of 2⁴⁰ elements.
    let big = ONNXWriter.model(
      nodes: [
        ONNXWriter.node(
          "ConstantOfShape", name: "huge", inputs: ["s"], outputs: ["z"],
          attributes: [
            ONNXWriter.attribute(
              "value", tensor: ONNXWriter.tensor(name: "", shape: [1], floats: [0]))
          ]),
        ONNXWriter.node("Add", name: "add", inputs: ["input", "z"], outputs: ["y"]),
      ],
      input: ONNXWriter.valueInfo("input", shape: [nil, 2]), outputs: ["y"],
      initializers: [ONNXWriter.tensor(name: "s", shape: [2], int64s: [1 << 20, 1 << 20])])
    #expect(throws: ModelError.self) { try load(big) }
    // A stride of 2⁶², pads of -2⁶³, an axis of 2⁴⁰.
    var m = Self.small()
    m.graph.node[2] = ONNXWriter.node(
      "Concat", name: "cat", inputs: ["z", "z"], outputs: ["y"],
      attributes: [ONNXWriter.attribute("axis", int: 1 << 40)])
    #expect(throws: ModelError.self) { try load(m) }
    let pool = ModelBuilder.singleNode(
      "MaxPool", inputShape: [nil, 1, 4, 4],
      attributes: [
        ONNXWriter.attribute("kernel_shape", ints: [2, 2]),
        ONNXWriter.attribute("strides", ints: [1 << 62, 1]),
      ])
    #expect(throws: ModelError.self) { try ModelBuilder.load(pool) }
    let pad = ModelBuilder.singleNode(
      "Pad", inputShape: [nil, 3],
      extraInputs: [ONNXWriter.tensor(name: "p", shape: [4], int64s: [0, Int.min, 0, 1])])
    #expect(throws: ModelError.self) { try ModelBuilder.load(pad) }
    // Concatenating scalars.
    let scalars = ONNXWriter.model(
      nodes: [
        ONNXWriter.node(
          "Concat", name: "cat", inputs: ["a", "a"], outputs: ["c"],
          attributes: [ONNXWriter.attribute("axis", int: 0)]),
        ONNXWriter.node("Add", name: "add", inputs: ["input", "c"], outputs: ["y"]),
      ],
      input: ONNXWriter.valueInfo("input", shape: [nil, 2]), outputs: ["y"],
      initializers: [ONNXWriter.tensor(name: "a", shape: [], floats: [1])])
    #expect(throws: ModelError.self) { try load(scalars) }
  }
}
