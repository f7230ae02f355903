import Foundation
import TestSupport
import Testing

@testable import Engine

/// Shared helpers of the engine tests.
enum Fixtures {
  /// Tests/EngineTests/Fixtures.
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  /// The installed default model: `$CAMVIDEO_MODEL`, else `$XDG_DATA_HOME` (or
  /// `~/.local/share`)`/camvideo/efficientnet_lite0.onnx`.
  static var defaultModel: URL {
    let env = ProcessInfo.processInfo.environment
    if let path = env["CAMVIDEO_MODEL"], !path.isEmpty { return URL(fileURLWithPath: path) }
    let data =
      env["XDG_DATA_HOME"].map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
    return data.appendingPathComponent("camvideo/efficientnet_lite0.onnx")
  }

  static func tensor(_ url: URL) throws -> Tensor {
    let a = try NumpyArray(contentsOf: url)
    return Tensor(shape: a.shape, data: a.values)
  }
}

/// Random tensors for the op tests.
extension SeededRandom {
  mutating func tensor(_ shape: [Int], in range: ClosedRange<Float> = -1...1) -> Tensor {
    Tensor(
      shape: shape,
      data: (0..<shape.reduce(1, *)).map { _ in Float.random(in: range, using: &self) })
  }

  /// A square convolution with random weights and bias (dilation 1).
  mutating func conv(
    in c: Int, out m: Int, kernel: Int, group: Int, stride: Int, pads: [Int], clamp: Clip?
  ) -> Conv {
    Conv(
      weight: tensor([m, c / group, kernel, kernel]), bias: tensor([m]).data, group: group,
      strides: [stride, stride], dilations: [1, 1], pads: pads, activation: clamp)
  }
}

/// Error measures between a result and a reference.
struct Difference: CustomStringConvertible {
  var maxAbs: Float
  var maxRef: Float
  /// `max |a − b| / max |b|`.
  var relative: Float { maxRef > 0 ? maxAbs / maxRef : maxAbs }

  init(_ a: [Float], _ b: [Float]) {
    precondition(a.count == b.count, "\(a.count) vs \(b.count) values")
    var m: Float = 0
    var r: Float = 0
    for i in 0..<a.count {
      m = max(m, abs(a[i] - b[i]))
      r = max(r, abs(b[i]))
    }
    maxAbs = m
    maxRef = r
  }

  var description: String { "max|Δ| \(maxAbs) (relative \(relative))" }
}
