// Milliseconds per photo of every CAM method on one 224×224 photo (batch 1).
//
//   swift run -c release camvideo-bench-cam [MODEL.onnx] [IMAGE_RGB_U8.npy]
//
// Defaults: the installed EfficientNet-Lite0 and the chelsea fixture of the CAM tests. The input
// is normalised to [-1, 1] as the reference did. Prints one line per method.
import CAM
import Engine
import Foundation

let arguments = CommandLine.arguments.dropFirst()
let home = FileManager.default.homeDirectoryForCurrentUser
let modelURL =
  arguments.first.map { URL(fileURLWithPath: $0) }
  ?? home.appendingPathComponent(".local/share/camvideo/efficientnet_lite0.onnx")
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()
let imageURL =
  arguments.dropFirst().first.map { URL(fileURLWithPath: $0) }
  ?? root.appendingPathComponent(
    "Tests/CAMTests/Fixtures/efficientnet_lite0/chelsea/image_rgb_u8.npy")

/// The last 224·224·3 bytes of a uint8 `.npy` (HWC RGB) as a normalised NCHW tensor.
func loadImage(_ url: URL, side: Int = 224) throws -> Tensor {
  let bytes = [UInt8](try Data(contentsOf: url))
  let count = side * side * 3
  guard bytes.count >= count else {
    throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: url.path])
  }
  let pixels = bytes[(bytes.count - count)...]
  var data = [Float](repeating: 0, count: count)
  for (i, v) in pixels.enumerated() {
    let p = i / 3
    let c = i % 3
    data[c * side * side + p] = (Float(v) / 255 - 0.5) / 0.5
  }
  return Tensor(shape: [1, 3, side, side], data: data)
}

func milliseconds(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
  try body()  // warm-up
  let start = DispatchTime.now().uptimeNanoseconds
  for _ in 0..<runs { try body() }
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(runs)
}

/// One aligned line of the table.
func row(_ name: String, _ ms: Double) -> String {
  name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%10.1f ms", ms)
}

do {
  let model = try Model.load(contentsOf: modelURL)
  let x = try loadImage(imageURL)
  print("model \(modelURL.lastPathComponent), threads \(BLAS.threads), batch 1")
  let forward = milliseconds(5) { _ = try? model.predict(x) }
  print(row("forward only", forward))
  var rows: [(String, CAMOptions)] = CAMMethod.allCases.map {
    ($0.rawValue, CAMOptions(method: $0))
  }
  rows.append(("gradcam --aug-smooth", CAMOptions(augSmooth: true)))
  rows.append(("gradcam --eigen-smooth", CAMOptions(eigenSmooth: true)))
  for (name, options) in rows {
    let runner = try CAMRunner(model: model, options: options)
    let runs = options.method.perturbs ? 1 : 5
    let ms = try milliseconds(runs) { _ = try runner.explain(x) }
    print(row(name, ms))
  }
  let runner = try CAMRunner(model: model)
  let ms = try milliseconds(5) {
    let gb = try runner.inputGradients(x, targets: [.top1])
    _ = gb.first?.guidedGradCAM(try runner.explain(x).map)
  }
  print(row("guided backprop + Grad-CAM", ms))
} catch {
  FileHandle.standardError.write(Data("camvideo-bench-cam: \(error)\n".utf8))
  exit(1)
}
