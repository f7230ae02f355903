import Engine
import Testing

@testable import CAM

@Suite("CAMRunner")
struct CAMRunnerTests {
  @Test("a target list of the wrong length is an error, not silent zero maps")
  func targetCount() throws {
    let tiny = try TinyModel(relu: true)
    let runner = try CAMRunner(model: tiny.model, options: CAMOptions(layers: [tiny.layer]))
    #expect(throws: CAMError.targetCount(expected: 2, got: 1)) {
      try runner.explain(TinyModel.input(batch: 2), targets: [.top1])
    }
    #expect(throws: CAMError.targetCount(expected: 1, got: 3)) {
      try runner.explain(TinyModel.input(), targets: [.top1, .top1, .top1])
    }
    #expect(throws: CAMError.classOutOfRange(index: 4, classes: 4)) {
      try runner.explain(TinyModel.input(), targets: [.classIndex(4)])
    }
    #expect(throws: CAMError.targetCount(expected: 2, got: 0)) {
      try runner.inputGradients(TinyModel.input(batch: 2), targets: [])
    }
  }

  @Test("unknown layers and bad options are errors naming what was expected")
  func badOptions() throws {
    let tiny = try TinyModel(relu: true)
    #expect(throws: CAMError.self) {
      try CAMRunner(model: tiny.model, options: CAMOptions(layers: ["no_such_layer"]))
    }
    #expect(throws: CAMError.invalidOption(name: "scoreBatch", expected: "at least 1, got 0")) {
      try CAMRunner(model: tiny.model, options: CAMOptions(scoreBatch: 0))
    }
    // The 2-D logits are no spatial layer.
    let runner = try CAMRunner(model: tiny.model, options: CAMOptions(layers: ["logits"]))
    #expect(throws: CAMError.notSpatial(layer: "logits", shape: [1, 4])) {
      try runner.explain(TinyModel.input())
    }
  }

  @Test(
    "each item of a batch gets its own target; a batch equals its items one by one",
    arguments: CAMMethod.allCases)
  func batchEqualsItems(method: CAMMethod) throws {
    let tiny = try TinyModel(relu: true)
    let runner = try CAMRunner(
      model: tiny.model, options: CAMOptions(method: method, layers: [tiny.layer], scoreBatch: 2))
    let a = TinyModel.input(seed: 0)
    let b = TinyModel.input(seed: 1.3)
    let batch = Tensor(shape: [2, 2, 4, 4], data: a.data + b.data)
    let both = try runner.explain(batch, targets: [.classIndex(1), .top1])
    let first = try runner.explain(a, target: .classIndex(1))
    let second = try runner.explain(b, target: .top1)
    #expect(both[0].classID == 1 && both[1].classID == second.classID)
    for (x, y) in [(both[0], first), (both[1], second)] {
      for (u, v) in zip(x.raw.values, y.raw.values) { #expect(abs(u - v) <= 1e-5 * max(1, abs(v))) }
      for (u, v) in zip(x.map.values, y.map.values) { #expect(abs(u - v) <= 1e-4) }
      #expect(x.map.width == 4 && x.map.height == 4)
      #expect(abs(x.probabilities.reduce(0, +) - 1) < 1e-5)
    }
    // The two items are not explained the same way.
    #expect(both[0].raw != both[1].raw)
  }

  @Test("the softmax target: score is the probability, and the gradient is its gradient")
  func softmaxTarget() throws {
    let tiny = try TinyModel(relu: true)
    let x = TinyModel.input()
    let logit = try CAMRunner(model: tiny.model, options: CAMOptions(layers: [tiny.layer]))
      .explain(x, target: .classIndex(2))
    let prob = try CAMRunner(
      model: tiny.model, options: CAMOptions(layers: [tiny.layer], score: .softmax)
    ).explain(x, target: .classIndex(2))
    #expect(logit.score == logit.logits[2])
    #expect(abs(prob.score - prob.probabilities[2]) < 1e-6)
    // ∂p/∂a = p Σ_j (δ_2j − p_j) ∂z_j/∂a: Grad-CAM weights are p·(w_2 − Σ_j p_j w_j) / 16·2·mean a.
    #expect(logit.raw != prob.raw)
  }

  @Test("several layers: per-layer min-max and resize, mean, min-max again")
  func multiLayer() throws {
    let tiny = try TinyModel(relu: true)
    let x = TinyModel.input()
    let both = try CAMRunner(
      model: tiny.model, options: CAMOptions(method: .hirescam, layers: [tiny.layer, "sq"])
    ).explain(x, target: .classIndex(0))
    let one = try CAMRunner(
      model: tiny.model, options: CAMOptions(method: .hirescam, layers: [tiny.layer])
    ).explain(x, target: .classIndex(0))
    let other = try CAMRunner(
      model: tiny.model, options: CAMOptions(method: .hirescam, layers: ["sq"])
    ).explain(x, target: .classIndex(0))
    #expect(both.layerMaps.count == 2)
    let mean = zip(one.map.values, other.map.values).map { ($0 + $1) / 2 }
    let expected = Heatmap(width: 4, height: 4, values: mean).normalized()
    for (u, v) in zip(both.map.values, expected.values) { #expect(abs(u - v) < 1e-5) }
  }

  @Test("aug-smooth: six passes in one batch with the item's class, flipped back, averaged")
  func augSmooth() throws {
    let tiny = try TinyModel(relu: true)
    let x = TinyModel.input()
    let runner = try CAMRunner(
      model: tiny.model, options: CAMOptions(layers: [tiny.layer], augSmooth: true))
    let smooth = try runner.explain(x, target: .classIndex(3))
    let plain = try CAMRunner(model: tiny.model, options: CAMOptions(layers: [tiny.layer]))
    var sum = [Float](repeating: 0, count: 16)
    for flip in [false, true] {
      for factor: Float in [0.9, 1, 1.1] {
        var data = x.data.map { $0 * factor }
        if flip {
          for row in 0..<8 { data[row * 4..<row * 4 + 4].reverse() }
        }
        var map = try plain.explain(Tensor(shape: x.shape, data: data), target: .classIndex(3)).map
        if flip { map = map.flippedHorizontally() }
        for i in 0..<16 { sum[i] += map.values[i] / 6 }
      }
    }
    for (u, v) in zip(smooth.map.values, sum) { #expect(abs(u - v) < 1e-5) }
    #expect(smooth.classID == 3)
    // With top-1 all six passes use the unaugmented pass's class.
    let auto = try runner.explain(x)
    let unaugmented = try plain.explain(x)
    #expect(auto.classID == unaugmented.classID)
    for (u, v) in zip(auto.logits, unaugmented.logits) { #expect(abs(u - v) < 1e-5) }
  }

  @Test("guided and plain input gradients, any batch size, HWC")
  func inputGradients() throws {
    let tiny = try TinyModel(relu: true)
    let runner = try CAMRunner(model: tiny.model, options: CAMOptions(layers: [tiny.layer]))
    let a = TinyModel.input(seed: 0)
    let b = TinyModel.input(seed: 2)
    let batch = Tensor(shape: [2, 2, 4, 4], data: a.data + b.data)
    let plain = try runner.inputGradients(
      batch, targets: [.classIndex(0), .classIndex(1)], guided: false)
    let guided = try runner.inputGradients(batch, targets: [.classIndex(0), .classIndex(1)])
    #expect(plain.count == 2 && plain[1].classID == 1 && plain[0].channels == 2)
    // Closed form of the plain gradient at pixel p, channel i: Σ_c W_kc · 2a_c/16 · [a_c > 0] · conv_ci.
    let act = TinyModel.activation(batch, item: 1, relu: true)
    let g = TinyModel.gradient(act, k: 1)
    for p in 0..<16 {
      for i in 0..<2 {
        let expected = (0..<3).reduce(Float(0)) { s, c in
          s + (act[c * 16 + p] > 0 ? g[c * 16 + p] * TinyModel.convWeight[c * 2 + i] : 0)
        }
        #expect(abs(plain[1].values[p * 2 + i] - expected) < 1e-5)
      }
    }
    #expect(plain[0].values != guided[0].values)
  }
}
