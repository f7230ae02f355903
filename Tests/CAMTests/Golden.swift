import Engine
import Foundation
import TestSupport

/// The golden data of one (model, photo): PyTorch + pytorch-grad-cam 1.5.7 on the same weights.
///
/// EfficientNet-Lite0 comes from `Fixtures/` (copied from `../shared/reference/golden`, the
/// 224×224 maps as float16) with the installed default model; the three torchvision
/// architectures are read from `../shared/reference` directly (skipped, loudly, without it).
struct GoldenCase: CustomStringConvertible, Sendable {
  var model: String
  var photo: String
  var description: String { "\(model)/\(photo)" }

  static let photos = ["chelsea", "coffee"]
  static let lite0 = photos.map { GoldenCase(model: "efficientnet_lite0", photo: $0) }
  static let shared = ["mobilenet_v2", "mobilenet_v3_small", "shufflenet_v2_x1_0"].flatMap { m in
    photos.map { GoldenCase(model: m, photo: $0) }
  }
  static let all = lite0 + shared

  /// Tests/CAMTests/Fixtures.
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  /// `../shared/reference`, or nil with the notice printed once.
  static var reference: URL? {
    _ = TestEnvironment.sharedMedia(derived: false)  // prints the loud skip notice when absent
    return TestEnvironment.shared?.appendingPathComponent("reference")
  }

  var isLite0: Bool { model == "efficientnet_lite0" }

  /// The folder holding this case's arrays, nil when unavailable.
  var folder: URL? {
    if isLite0 {
      return Self.fixtures.appendingPathComponent("\(model)/\(photo)")
    }
    return Self.reference?.appendingPathComponent("golden/\(model)/\(photo)")
  }

  /// An array by name (`gradcam_raw`), looking for `name.npy` then `name.f16.npy`; nil when
  /// neither exists.
  func array(_ name: String) throws -> NumpyArray? {
    guard let folder else { return nil }
    for file in ["\(name).npy", "\(name).f16.npy"] {
      let url = folder.appendingPathComponent(file)
      if FileManager.default.fileExists(atPath: url.path) { return try NumpyArray(contentsOf: url) }
    }
    if !isLite0, let shared = Self.reference {
      let url = shared.appendingPathComponent("golden/\(model)/\(photo)/\(name).npy")
      if FileManager.default.fileExists(atPath: url.path) { return try NumpyArray(contentsOf: url) }
    }
    return nil
  }

  /// The exact input: `(u8 / 255 − 0.5) / 0.5` of the cropped photo, NCHW (bit-identical to
  /// the reference's `input.npy`).
  func input() throws -> Tensor? {
    guard let image = try array("image_rgb_u8") else { return nil }
    let h = image.shape[0]
    let w = image.shape[1]
    var data = [Float](repeating: 0, count: 3 * h * w)
    for p in 0..<h * w {
      for c in 0..<3 { data[c * h * w + p] = (image.values[p * 3 + c] / 255 - 0.5) / 0.5 }
    }
    return Tensor(shape: [1, 3, h, w], data: data)
  }

  struct Meta: Decodable {
    var top1: Int
    var reluModulesReplacedByGuidedBackprop: Int
    var onnxTargetTensor: String
  }

  func meta() throws -> Meta? {
    guard let folder else { return nil }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(
      Meta.self, from: Data(contentsOf: folder.appendingPathComponent("meta.json")))
  }

  /// The model: the installed default for EfficientNet-Lite0, else the reference's ONNX export.
  func loadModel() throws -> Model? {
    if isLite0 { return try GoldenModels.lite0.get() }
    guard Self.reference != nil else { return nil }
    return try GoldenModels.shared[model]?.get()
  }
}

/// Models loaded once per test process.
enum GoldenModels {
  /// The installed default model: `$CAMVIDEO_MODEL`, else `$XDG_DATA_HOME` (or `~/.local/share`)
  /// `/camvideo/efficientnet_lite0.onnx`.
  static var defaultModelURL: URL {
    let env = ProcessInfo.processInfo.environment
    if let path = env["CAMVIDEO_MODEL"], !path.isEmpty { return URL(fileURLWithPath: path) }
    let data =
      env["XDG_DATA_HOME"].map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
    return data.appendingPathComponent("camvideo/efficientnet_lite0.onnx")
  }

  static let lite0: Result<Model, any Error> = Result {
    try Model.load(contentsOf: defaultModelURL)
  }

  static let shared: [String: Result<Model, any Error>] = {
    guard let ref = GoldenCase.reference else { return [:] }
    var out: [String: Result<Model, any Error>] = [:]
    for m in ["mobilenet_v2", "mobilenet_v3_small", "shufflenet_v2_x1_0"] {
      out[m] = Result { try Model.load(contentsOf: ref.appendingPathComponent("onnx/\(m).onnx")) }
    }
    return out
  }()
}

/// Pearson's correlation coefficient, in Double.
func pearson(_ a: [Float], _ b: [Float]) -> Double {
  precondition(a.count == b.count && !a.isEmpty, "\(a.count) vs \(b.count) values")
  let n = Double(a.count)
  let ma = a.reduce(0.0) { $0 + Double($1) } / n
  let mb = b.reduce(0.0) { $0 + Double($1) } / n
  var sab = 0.0
  var saa = 0.0
  var sbb = 0.0
  for i in 0..<a.count {
    let x = Double(a[i]) - ma
    let y = Double(b[i]) - mb
    sab += x * y
    saa += x * x
    sbb += y * y
  }
  guard saa > 0, sbb > 0 else { return saa == sbb ? 1 : 0 }
  return sab / (saa * sbb).squareRoot()
}

/// Writes a line to the test log (stderr) for the report.
func log(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
