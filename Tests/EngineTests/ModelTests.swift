import Foundation
import Testing

@testable import Engine

/// The installed default model, loaded once for all tests.
enum DefaultModel {
  static let loaded: Result<Model, any Error> = Result {
    try Model.load(contentsOf: Fixtures.defaultModel)
  }

  static func get() throws -> Model {
    do {
      return try loaded.get()
    } catch {
      Issue.record("the default model is required: run scripts/install_model.sh (\(error))")
      throw error
    }
  }
}

@Suite("Model")
struct ModelTests {
  static let photos = ["chelsea", "coffee"]

  func fixture(_ photo: String, _ name: String) throws -> Tensor {
    try Fixtures.tensor(
      Fixtures.folder.appendingPathComponent("efficientnet_lite0/\(photo)/\(name).npy"))
  }

  @Test(
    "golden: the converted EfficientNet-Lite0 equals PyTorch (logits, _head_act and its gradient)",
    arguments: photos)
  func goldenDefaultModel(photo: String) throws {
    let model = try DefaultModel.get()
    let x = try fixture(photo, "input")
    let pass = try model.forward(x)
    let logits = try fixture(photo, "logits")
    let d = Difference(pass.logits.data, logits.data)
    #expect(d.maxAbs <= 1e-3, "logits \(d)")
    let top1 = pass.logits.data.indices.max { pass.logits.data[$0] < pass.logits.data[$1] } ?? -1
    let refTop1 = logits.data.indices.max { logits.data[$0] < logits.data[$1] } ?? -2
    #expect(top1 == refTop1)
    let layer = try #require(model.defaultTargetLayer)
    #expect(layer == "_head_act")
    let r = try pass.backward(from: [Tensor.oneHot(classes: [top1], count: 1000)], to: [layer])
    let a = Difference(r[0].activation.data, try fixture(photo, "activations").data)
    let g = Difference(r[0].gradient.data, try fixture(photo, "gradients").data)
    #expect(a.relative <= 1e-3, "activations \(a)")
    #expect(g.relative <= 1e-3, "gradients \(g)")
    print(
      "golden efficientnet_lite0 (converted) \(photo): logits \(d), activations \(a), gradients \(g)"
    )
    // What CAMRunner runs: fused up to the layer, then backward from it.
    let targeted = try model.forward(x, keeping: [layer])
    let td = Difference(targeted.logits.data, logits.data)
    let t = try targeted.backward(
      from: [Tensor.oneHot(classes: [top1], count: 1000)], to: [layer])
    let ta = Difference(t[0].activation.data, try fixture(photo, "activations").data)
    let tg = Difference(t[0].gradient.data, try fixture(photo, "gradients").data)
    #expect(td.maxAbs <= 1e-3, "targeted logits \(td)")
    #expect(ta.relative <= 1e-3, "targeted activations \(ta)")
    #expect(tg.relative <= 1e-3, "targeted gradients \(tg)")
  }

  @Test("the file's metadata gives labels, mean, std, size and the default layer")
  func metadata() throws {
    let model = try DefaultModel.get()
    #expect(model.labels?.count == 1000)
    #expect(model.labels?[285] == "Egyptian cat")
    #expect(model.mean == [0.5, 0.5, 0.5] && model.std == [0.5, 0.5, 0.5])
    #expect(model.inputSize?.width == 224 && model.inputSize?.height == 224)
    #expect(model.inputShape == [.batch, 3, 224, 224])
    #expect(model.outputShapes == [[.batch, 1000]])
  }

  @Test("load-time passes fold every BatchNormalization and ReLU6 into the convolutions")
  func passes() throws {
    let model = try DefaultModel.get()
    let ops = Set(model.plan.steps.map(\.opType))
    #expect(!ops.contains("BatchNormalization") && !ops.contains("Clip"))
    #expect(model.plan.steps.filter { $0.opType == "Conv" }.count == 49)
    #expect(model.nodeCounts.file == 143 && model.nodeCounts.compiled == 61)
  }

  @Test(
    "names: exact, metadata alias, node name, unique prefix; folded and unknown names are errors")
  func names() throws {
    let model = try DefaultModel.get()
    #expect(try model.resolveTensor("_head_act") == "_head_act")
    #expect(try model.resolveTensor("_blocks.1") == "_blocks.1._bn2")  // layer_aliases
    #expect(try model.resolveTensor("_fc") == "logits")  // alias to the Gemm's output
    #expect(try model.resolveTensor("_head") == "_head_act")  // unique prefix
    #expect(throws: EngineError.foldedTensor(name: "_conv_head", into: "_head_act")) {
      try model.resolveTensor("_conv_head")
    }
    #expect(throws: EngineError.foldedTensor(name: "_bn1", into: "_head_act")) {
      try model.resolveTensor("_bn1")
    }
    let ambiguous = #expect(throws: EngineError.self) { try model.resolveTensor("_blocks.1._act") }
    #expect(
      ambiguous
        == .unknownTensor(
          name: "_blocks.1._act", candidates: ["_blocks.1._act0", "_blocks.1._act1"]))
    #expect(throws: EngineError.self) { try model.resolveTensor("no such layer") }
    let info = model.tensors
    #expect(info.first?.name == "input" && info.first?.opType == "Input")
    #expect(
      info.contains {
        $0.name == "_head_act" && $0.shape == [.batch, 1280, 7, 7] && $0.node == "_conv_head"
      })
  }

  @Test("a batch gives the same logits and gradients as its frames one by one")
  func batchConsistency() throws {
    let model = try DefaultModel.get()
    let frames = try Self.photos.map { try fixture($0, "input") }
    let batch = Tensor(shape: [2, 3, 224, 224], data: frames[0].data + frames[1].data)
    let pass = try model.forward(batch)
    let classes = [285, 967]
    let r = try pass.backward(
      from: [Tensor.oneHot(classes: classes, count: 1000)], to: ["_blocks.12", "_head_act"])
    for (n, frame) in frames.enumerated() {
      let single = try model.forward(frame)
      let s = try single.backward(
        from: [Tensor.oneHot(classes: [classes[n]], count: 1000)], to: ["_blocks.12", "_head_act"])
      let size = 1000
      #expect(
        Difference(Array(pass.logits.data[n * size..<(n + 1) * size]), single.logits.data).maxAbs
          < 1e-4)
      for k in 0..<2 {
        let per = s[k].gradient.count
        let part = Array(r[k].gradient.data[n * per..<(n + 1) * per])
        #expect(Difference(part, s[k].gradient.data).relative < 1e-4, "\(r[k].name) frame \(n)")
      }
    }
    // predict runs the inverted-residual blocks image by image (``InvertedResidual``): the same
    // sums, but a few GEMM tiles fall differently than over the whole batch.
    let predicted = try model.predict(batch)
    #expect(predicted[0].shape == pass.logits.shape)
    #expect(Difference(predicted[0].data, pass.logits.data).maxAbs < 1e-5)
  }

  @Test("wrong input shapes and seeds are errors, not crashes")
  func misuse() throws {
    let model = try DefaultModel.get()
    #expect(throws: EngineError.self) { try model.forward(Tensor(zeros: [1, 3, 224, 225])) }
    #expect(throws: EngineError.self) { try model.predict(Tensor(zeros: [3, 224, 224])) }
    let pass = try model.forward(Tensor(zeros: [1, 3, 224, 224]))
    #expect(throws: EngineError.self) { try pass.backward(from: [], to: ["_head_act"]) }
    #expect(throws: EngineError.self) {
      try pass.backward(from: [Tensor(zeros: [2, 1000])], to: ["_head_act"])
    }
  }

  @Test("guided mode changes the gradients through the ReLU6s of the default model")
  func guided() throws {
    let model = try DefaultModel.get()
    let pass = try model.forward(try fixture("chelsea", "input"))
    let seed = Tensor.oneHot(classes: [285], count: 1000)
    let plain = try pass.backward(from: [seed], to: ["_blocks.15._act1"])[0].gradient
    let guided = try pass.backward(from: [seed], to: ["_blocks.15._act1"], mode: .guided)[0]
      .gradient
    #expect(plain.data.contains { $0 < 0 })
    #expect(plain != guided)
    // At _head_act itself no rectifier lies between it and the logit: both modes agree.
    let a = try pass.backward(from: [seed], to: ["_head_act"])[0].gradient
    let b = try pass.backward(from: [seed], to: ["_head_act"], mode: .guided)[0].gradient
    #expect(a == b)
  }

  @Test("the default model cut short anywhere fails to load with an error naming it")
  func truncatedDefaultModel() throws {
    let data = try Data(contentsOf: Fixtures.defaultModel)
    let url = URL(fileURLWithPath: "/tmp/truncated-lite0.onnx")
    for fraction in [0.001, 0.37, 0.999] {
      let cut = data.prefix(Int(Double(data.count) * fraction))
      let error = #expect(throws: ModelError.self) { try Model.load(data: cut, url: url) }
      #expect(error?.description.contains("truncated-lite0.onnx") == true)
    }
  }
}
