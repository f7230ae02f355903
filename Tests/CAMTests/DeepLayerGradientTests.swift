import Engine
import Foundation
import Testing

@testable import CAM

/// Inside the network (EfficientNet-Lite0's `_blocks.10`, 112×14×14) the gradient differs from
/// position to position; check it, and Grad-CAM's weights, against central differences of the
/// target score, rerunning the network from the layer with the perturbed activation.
@Suite("CAM deeper layer (finite differences)")
struct DeepLayerGradientTests {
  @Test(
    "Grad-CAM at _blocks.10: gradient and channel weights equal central differences",
    arguments: [TargetScore.logit, .softmax])
  func blocks10(score: TargetScore) throws {
    let c = GoldenCase.lite0[0]
    let model = try GoldenModels.lite0.get()
    let x = try #require(try c.input())
    let runner = try CAMRunner(
      model: model, options: CAMOptions(layers: ["_blocks.10"], score: score))
    #expect(runner.layers[0].contains("_blocks.10"))
    let forward = try model.forward(x)
    let classID = 281  // tabby: not the top-1, a real target choice
    let seed =
      score == .logit
      ? Tensor.oneHot(classes: [classID], count: 1000)
      : Tensor.softmaxSeed(logits: forward.logits, classes: [classID])
    let g = try forward.backward(from: [seed], to: runner.layers)[0]
    let a = g.activation
    #expect(a.shape == [1, 112, 14, 14])
    let area = 196
    // The gradient is not constant over positions here (unlike at the last layer).
    let plane = Array(g.gradient.data[0..<area])
    #expect((plane.max() ?? 0) - (plane.min() ?? 0) > 1e-3 * (plane.map(abs).max() ?? 0))

    func y(_ perturbed: Tensor) throws -> Double {
      let logits = try forward.outputs(replacing: runner.layers[0], with: perturbed)[0].data
      return Double(ModelProbe.score(logits, target: classID, kind: score))
    }
    let base = Double(ModelProbe.score(forward.logits.data, target: classID, kind: score))
    #expect(abs(try y(a) - base) <= 1e-6 * max(abs(base), 1))

    // Channel directions: d/dε y(A + ε·1_c) = Σ_ij G_cij = HW · w_c (Grad-CAM's weight).
    let pass = try #require(
      try runner.run(x) { _ throws(CAMError) in [classID] }.first)
    let weights = try #require(pass.layerWeights[0])
    let strongest = weights.indices.sorted { abs(weights[$0]) > abs(weights[$1]) }.prefix(6)
    let eps: Float = 1e-2
    for ch in strongest {
      var plus = a
      var minus = a
      for k in ch * area..<(ch + 1) * area {
        plus = plus.adding(eps, at: k)
        minus = minus.adding(-eps, at: k)
      }
      let fd = (try y(plus) - y(minus)) / Double(2 * eps) / Double(area)
      let w = Double(weights[ch])
      #expect(abs(fd - w) <= 2e-2 * abs(w), "channel \(ch): finite difference \(fd) vs weight \(w)")
    }
    // Single positions with the largest gradients (a larger step: one element moves the score
    // by ~1e-4, near float32's resolution of a logit; 5 %, as the step meets ReLU6 kinks and
    // the softmax's curvature).
    let order = g.gradient.data.indices.sorted {
      abs(g.gradient.data[$0]) > abs(g.gradient.data[$1])
    }
    let step: Float = 5e-2
    for k in order.prefix(6) {
      let fd = (try y(a.adding(step, at: k)) - y(a.adding(-step, at: k))) / Double(2 * step)
      let gk = Double(g.gradient.data[k])
      #expect(abs(fd - gk) <= 5e-2 * abs(gk), "element \(k): finite difference \(fd) vs \(gk)")
    }
    // The map is not the last layer's: a 14×14 raw map.
    #expect(pass.layerRaw[0].width == 14 && pass.layerRaw[0].height == 14)
  }
}

extension Tensor {
  /// A copy with `delta` added to element `k`.
  fileprivate func adding(_ delta: Float, at k: Int) -> Tensor {
    var d = data
    d[k] += delta
    return Tensor(shape: shape, data: d)
  }
}
