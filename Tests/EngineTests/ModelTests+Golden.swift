import Foundation
import TestSupport
import Testing

@testable import Engine

/// Golden tests against the torch exports in `../shared/reference/onnx` and PyTorch's numbers
/// in `../shared/reference/golden` (skipped, loudly, when `../shared` is absent).
@Suite("Model golden (../shared)")
struct ModelGoldenTests {
  static let models = [
    "efficientnet_lite0", "mobilenet_v2", "mobilenet_v3_small", "shufflenet_v2_x1_0",
  ]

  struct Case: CustomStringConvertible, Sendable {
    var model: String
    var photo: String
    var description: String { "\(model)/\(photo)" }
  }

  static let cases = models.flatMap { m in ["chelsea", "coffee"].map { Case(model: m, photo: $0) } }

  /// `../shared/reference`, or nil with the notice printed once.
  static var reference: URL? {
    _ = TestEnvironment.sharedMedia(derived: false)  // prints the loud skip notice when absent
    return TestEnvironment.shared?.appendingPathComponent("reference")
  }

  /// Each export loaded once.
  static let loaded: [String: Result<Model, any Error>] = {
    guard let ref = reference else { return [:] }
    var out: [String: Result<Model, any Error>] = [:]
    for m in models {
      out[m] = Result { try Model.load(contentsOf: ref.appendingPathComponent("onnx/\(m).onnx")) }
    }
    return out
  }()

  struct Meta: Decodable {
    var onnxTargetTensor: String
    var torchTargetModule: String
    var top1: Int
    var reluModulesReplacedByGuidedBackprop: Int
  }

  static func meta(_ dir: URL) throws -> Meta {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(
      Meta.self, from: Data(contentsOf: dir.appendingPathComponent("meta.json")))
  }

  @Test(
    "golden: torch exports equal PyTorch (logits, target layer and its gradient)", arguments: cases)
  func golden(_ c: Case) throws {
    guard let ref = Self.reference, let loaded = Self.loaded[c.model] else { return }
    let model = try loaded.get()
    let dir = ref.appendingPathComponent("golden/\(c.model)/\(c.photo)")
    let meta = try Self.meta(dir)
    let x = try Fixtures.tensor(dir.appendingPathComponent("input.npy"))
    let pass = try model.forward(x)
    let logits = try Fixtures.tensor(dir.appendingPathComponent("logits.npy"))
    let d = Difference(pass.logits.data, logits.data)
    #expect(d.maxAbs <= 1e-3, "logits \(d)")
    #expect(model.defaultTargetLayer == meta.onnxTargetTensor)
    // The PyTorch module name resolves to the same tensor.
    #expect(try model.resolveTensor(meta.torchTargetModule) == meta.onnxTargetTensor)
    let r = try pass.backward(
      from: [Tensor.oneHot(classes: [meta.top1], count: 1000)], to: [meta.onnxTargetTensor])
    let a = Difference(
      r[0].activation.data, try Fixtures.tensor(dir.appendingPathComponent("activations.npy")).data)
    let g = Difference(
      r[0].gradient.data, try Fixtures.tensor(dir.appendingPathComponent("gradients.npy")).data)
    #expect(a.relative <= 1e-3, "activations \(a)")
    #expect(g.relative <= 1e-3, "gradients \(g)")
    print("golden \(c): logits \(d), activations \(a), gradients \(g)")
  }

  /// pytorch-grad-cam's guided backprop replaces `nn.ReLU` modules only: for mobilenet_v3_small and
  /// shufflenet it is our guided mode (their rectifiers are all Relu); for the ReLU6 models it
  /// replaced nothing and is the plain input gradient.
  ///
  /// There a handful of pixels differ where a pre-activation sits on a ReLU6 boundary (0 or 6) and
  /// float rounding flips the mask, so the plain case is held to an L2 tolerance.
  @Test("golden: the input gradient (guided backprop) equals pytorch-grad-cam's", arguments: cases)
  func inputGradient(_ c: Case) throws {
    guard let ref = Self.reference, let loaded = Self.loaded[c.model] else { return }
    let model = try loaded.get()
    let dir = ref.appendingPathComponent("golden/\(c.model)/\(c.photo)")
    let meta = try Self.meta(dir)
    let pass = try model.forward(try Fixtures.tensor(dir.appendingPathComponent("input.npy")))
    let guided = meta.reluModulesReplacedByGuidedBackprop > 0
    let r = try pass.backward(
      from: [Tensor.oneHot(classes: [meta.top1], count: 1000)], to: ["input"],
      mode: guided ? .guided : .standard)
    let hwc = Layout.transpose(r[0].gradient.data, shape: [3, 224, 224], perm: [1, 2, 0])
    let expected = try Fixtures.tensor(dir.appendingPathComponent("guided_backprop.npy")).data
    let d = Difference(hwc, expected)
    var num = 0.0
    var den = 0.0
    for i in 0..<hwc.count {
      num += Double(hwc[i] - expected[i]) * Double(hwc[i] - expected[i])
      den += Double(expected[i]) * Double(expected[i])
    }
    let l2 = (num / den).squareRoot()
    if guided {
      #expect(d.relative <= 1e-3, "\(d)")
    } else {
      #expect(l2 <= 2e-2, "L2 relative \(l2), \(d)")
    }
    print("golden input gradient \(c) (\(guided ? "guided" : "plain")): \(d), L2 relative \(l2)")
  }

  @Test(
    "the converted default model and the torch export agree (max |Δ logit| ≤ 1e-4)",
    arguments: ["chelsea", "coffee"])
  func converterAgreesWithTorchExport(photo: String) throws {
    guard let ref = Self.reference, let loaded = Self.loaded["efficientnet_lite0"] else { return }
    let torch = try loaded.get()
    let ours = try DefaultModel.get()
    let x = try Fixtures.tensor(
      ref.appendingPathComponent("golden/efficientnet_lite0/\(photo)/input.npy"))
    let d = Difference(try ours.predict(x)[0].data, try torch.predict(x)[0].data)
    #expect(d.maxAbs <= 1e-4, "\(d)")
  }

  @Test("shape arithmetic folds: shufflenet's 902 nodes become its compute operators")
  func shufflenetFolds() throws {
    guard Self.reference != nil, let loaded = Self.loaded["shufflenet_v2_x1_0"] else { return }
    let model = try loaded.get()
    #expect(model.nodeCounts.file == 902)
    let ops = Dictionary(grouping: model.plan.steps, by: \.opType).mapValues(\.count)
    for gone in ["Shape", "Gather", "Unsqueeze", "Cast", "Constant", "Div", "Mul", "Add"] {
      #expect(ops[gone] == nil, "\(gone)")
    }
    #expect(ops["Conv"] == 56 && ops["Transpose"] == 16 && ops["Reshape"] == 32)
    #expect(model.nodeCounts.compiled < 200)
    // The folded Reshape targets keep the batch dynamic.
    let x = Tensor(zeros: [3, 3, 224, 224])
    #expect(try model.predict(x)[0].shape == [3, 1000])
  }
}
