import Foundation

@testable import Engine

/// A small classifier whose scores have a closed form, for the formula tests:
/// `input [N,2,4,4] → 1×1 Conv (3 channels) → [Relu] → a → a² → mean over 4×4 → Gemm (4 classes)`,
/// so `y_k = Σ_c W_kc · mean_ij(a_cij²) + b_k` and `∂y_k/∂a_cij = W_kc · 2 a_cij / 16`.
struct TinyModel {
  static let convWeight: [Float] = [0.9, -0.4, -0.3, 0.8, 0.5, 0.5]  // [3, 2, 1, 1]
  static let convBias: [Float] = [0.1, -0.2, 0.05]
  static let fcWeight: [Float] = [  // [4, 3]
    1.0, 0.5, -0.25,
    -0.5, 1.5, 0.75,
    0.25, -1.0, 2.0,
    0.6, 0.6, 0.6,
  ]
  static let fcBias: [Float] = [0.3, -0.1, 0.2, 0.0]

  let model: Model
  /// The target layer: the rectified (or, without Relu, the plain) convolution output.
  let layer: String

  init(relu: Bool) throws {
    var nodes = [
      ONNXWriter.node("Conv", name: "conv", inputs: ["input", "cw", "cb"], outputs: ["conv"])
    ]
    let a = relu ? "act" : "conv"
    if relu {
      nodes.append(ONNXWriter.node("Relu", name: "relu", inputs: ["conv"], outputs: ["act"]))
    }
    nodes += [
      ONNXWriter.node("Mul", name: "square", inputs: [a, a], outputs: ["sq"]),
      ONNXWriter.node("GlobalAveragePool", name: "gap", inputs: ["sq"], outputs: ["gap"]),
      ONNXWriter.node("Flatten", name: "flat", inputs: ["gap"], outputs: ["flat"]),
      ONNXWriter.node(
        "Gemm", name: "fc", inputs: ["flat", "fw", "fb"], outputs: ["logits"],
        attributes: [ONNXWriter.attribute("transB", int: 1)]),
    ]
    let proto = ONNXWriter.model(
      nodes: nodes, input: ONNXWriter.valueInfo("input", shape: [nil, 2, 4, 4]),
      outputs: ["logits"],
      initializers: [
        ONNXWriter.tensor(name: "cw", shape: [3, 2, 1, 1], floats: Self.convWeight),
        ONNXWriter.tensor(name: "cb", shape: [3], floats: Self.convBias),
        ONNXWriter.tensor(name: "fw", shape: [4, 3], floats: Self.fcWeight),
        ONNXWriter.tensor(name: "fb", shape: [4], floats: Self.fcBias),
      ])
    model = try Model.load(
      data: ONNXWriter.data(proto), url: URL(fileURLWithPath: "/tmp/cam-tiny.onnx"))
    layer = try model.resolveTensor(a)
  }

  /// A deterministic input with both signs, `[n, 2, 4, 4]`.
  static func input(batch n: Int = 1, seed: Float = 0) -> Tensor {
    Tensor(
      shape: [n, 2, 4, 4],
      data: (0..<n * 32).map { i in sin(Float(i) * 1.7 + seed) * 1.3 + cos(Float(i) * 0.3) * 0.4 })
  }

  /// `A` of item 0 (`3 × 16`), computed by hand from the input.
  static func activation(_ x: Tensor, item: Int = 0, relu: Bool) -> [Float] {
    (0..<3).flatMap { c in
      (0..<16).map { p in
        let v =
          convWeight[c * 2] * x.data[item * 32 + p] + convWeight[c * 2 + 1]
          * x.data[item * 32 + 16 + p] + convBias[c]
        return relu ? max(v, 0) : v
      }
    }
  }

  /// `y_k` for an activation `a` (`3 × 16`).
  static func score(_ a: [Float], k: Int) -> Float {
    var y = fcBias[k]
    for c in 0..<3 {
      let m = (0..<16).reduce(Float(0)) { $0 + a[c * 16 + $1] * a[c * 16 + $1] } / 16
      y += fcWeight[k * 3 + c] * m
    }
    return y
  }

  /// `G = ∂y_k/∂a` (`3 × 16`).
  static func gradient(_ a: [Float], k: Int) -> [Float] {
    (0..<48).map { i in fcWeight[k * 3 + i / 16] * 2 * a[i] / 16 }
  }
}
