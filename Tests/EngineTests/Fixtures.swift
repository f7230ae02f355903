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

/// Deterministic pseudo-random numbers for the op tests (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func tensor(_ shape: [Int], in range: ClosedRange<Float> = -1...1) -> Tensor {
    Tensor(
      shape: shape,
      data: (0..<shape.reduce(1, *)).map { _ in Float.random(in: range, using: &self) })
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
