import Engine
import Foundation
import Testing

@testable import CAM

/// The methods without reference data (and the others) from their formulas, on a model whose
/// activations and gradients are known in closed form (``TinyModel``).
@Suite("CAM formulas")
struct CAMFormulaTests {
  /// The raw map (before ReLU) of `method` for class `k` on the tiny model.
  static func raw(_ method: CAMMethod, k: Int, relu: Bool = true, eigenSmooth: Bool = false)
    throws -> (cam: [Float], weights: [Float]?)
  {
    let tiny = try TinyModel(relu: relu)
    let runner = try CAMRunner(
      model: tiny.model,
      options: CAMOptions(method: method, layers: [tiny.layer], eigenSmooth: eigenSmooth))
    let pass = try #require(
      try runner.run(TinyModel.input()) { _ throws(CAMError) in [k] }.first)
    return (pass.layerCAM[0].values, pass.layerWeights[0])
  }

  static func expectClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) {
    #expect(a.count == b.count)
    let scale = max(b.map(abs).max() ?? 0, 1e-12)
    for (x, y) in zip(a, b) { #expect(abs(x - y) <= tolerance * scale, "\(x) vs \(y)") }
  }

  /// `Σ_c f(c, i)` over the 3 channels.
  static func channelSum(_ f: (Int, Int) -> Float) -> [Float] {
    (0..<16).map { p in (0..<3).reduce(Float(0)) { $0 + f($1, $1 * 16 + p) } }
  }

  @Test("the engine's activation and gradient match the closed form")
  func closedForm() throws {
    let tiny = try TinyModel(relu: true)
    let x = TinyModel.input()
    let a = TinyModel.activation(x, relu: true)
    #expect(a.contains(0) && a.contains { $0 > 0 })  // the Relu clips some positions
    let g = try tiny.model.forward(x).backward(
      from: [Tensor.oneHot(classes: [2], count: 4)], to: [tiny.layer])
    Self.expectClose(g[0].activation.data, a)
    Self.expectClose(g[0].gradient.data, TinyModel.gradient(a, k: 2))
  }

  @Test("gradcam-elementwise: Σ_c ReLU(G ⊙ A), unlike HiResCAM's Σ_c G ⊙ A", arguments: [0, 1, 2])
  func elementwise(k: Int) throws {
    let a = TinyModel.activation(TinyModel.input(), relu: true)
    let g = TinyModel.gradient(a, k: k)
    let expected = Self.channelSum { _, i in max(g[i] * a[i], 0) }
    Self.expectClose(try Self.raw(.gradcamElementwise, k: k).cam, expected)
    let hires = Self.channelSum { _, i in g[i] * a[i] }
    Self.expectClose(try Self.raw(.hirescam, k: k).cam, hires)
    // Class 0 has a negative weight on channel 2: the two differ there.
    if k == 0 { #expect(zip(expected, hires).contains { abs($0 - $1) > 1e-4 }) }
  }

  @Test("gradcam, gradcam++, xgradcam, layercam from their equations", arguments: [0, 2])
  func weighted(k: Int) throws {
    let a = TinyModel.activation(TinyModel.input(), relu: true)
    let g = TinyModel.gradient(a, k: k)
    func sum(_ c: Int, _ f: (Int) -> Float) -> Float {
      (0..<16).reduce(Float(0)) { $0 + f(c * 16 + $1) }
    }
    let gradcam = (0..<3).map { c in sum(c) { g[$0] } / 16 }
    let plusplus = (0..<3).map { c in
      let s = sum(c) { a[$0] }
      return sum(c) { i in
        g[i] == 0
          ? 0 : max(g[i], 0) * g[i] * g[i] / (2 * g[i] * g[i] + s * g[i] * g[i] * g[i] + 1e-6)
      }
    }
    let xgrad = (0..<3).map { c in sum(c) { g[$0] * a[$0] } / (sum(c) { a[$0] } + 1e-7) }
    for (method, w) in [
      (CAMMethod.gradcam, gradcam), (.gradcamPlusPlus, plusplus), (.xgradcam, xgrad),
    ] {
      let r = try Self.raw(method, k: k)
      Self.expectClose(try #require(r.weights), w)
      Self.expectClose(r.cam, Self.channelSum { c, i in w[c] * a[i] })
    }
    Self.expectClose(
      try Self.raw(.layercam, k: k).cam, Self.channelSum { _, i in max(g[i], 0) * a[i] })
  }

  /// The first principal component by power iteration on `XᵀX` (3×3), independent of the
  /// library's Jacobi solver.
  static func firstComponent(_ t: [Float]) -> [Double] {
    var x = t.map(Double.init)
    for c in 0..<3 {
      let m = (0..<16).reduce(0.0) { $0 + x[c * 16 + $1] } / 16
      for p in 0..<16 { x[c * 16 + p] -= m }
    }
    var gram = [Double](repeating: 0, count: 9)
    for a in 0..<3 {
      for b in 0..<3 {
        gram[a * 3 + b] = (0..<16).reduce(0.0) { $0 + x[a * 16 + $1] * x[b * 16 + $1] }
      }
    }
    var v = [1.0, 0.7, 0.3]
    for _ in 0..<500 {
      let next = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + gram[i * 3 + $1] * v[$1] } }
      let norm = next.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
      v = next.map { $0 / norm }
    }
    return (0..<16).map { p in (0..<3).reduce(0.0) { $0 + x[$1 * 16 + p] * v[$1] } }
  }

  @Test(
    "eigengradcam: first principal component of G ⊙ A, oriented with Σ_c G ⊙ A",
    arguments: [0, 1, 2])
  func eigenGradCAM(k: Int) throws {
    let a = TinyModel.activation(TinyModel.input(), relu: true)
    let g = TinyModel.gradient(a, k: k)
    let terms = zip(g, a).map { $0 * $1 }
    let pc = Self.firstComponent(terms)
    let ours = try Self.raw(.eigengradcam, k: k).cam
    let r = pearson(ours, pc.map { Float($0) })
    #expect(abs(r) > 0.99999, "r = \(r)")
    // Same magnitude as X v₁ (not just the same shape) …
    let norm = { (v: [Double]) in v.reduce(0.0) { $0 + $1 * $1 }.squareRoot() }
    #expect(abs(norm(ours.map(Double.init)) - norm(pc)) <= 1e-4 * norm(pc))
    // … and the sign that agrees with the plain sum.
    #expect(pearson(ours, Self.channelSum { _, i in terms[i] }) > 0)
    // EigenCAM is the same on A.
    let eig = try Self.raw(.eigencam, k: k).cam
    #expect(abs(pearson(eig, Self.firstComponent(a).map { Float($0) })) > 0.99999)
    #expect(pearson(eig, Self.channelSum { _, i in a[i] }) > 0)
  }

  @Test("eigen-smooth replaces Σ_c w_c A_c by its first component, oriented with it")
  func eigenSmooth() throws {
    let a = TinyModel.activation(TinyModel.input(), relu: true)
    let g = TinyModel.gradient(a, k: 1)
    let w = (0..<3).map { c in (0..<16).reduce(Float(0)) { $0 + g[c * 16 + $1] } / 16 }
    let weighted = (0..<48).map { w[$0 / 16] * a[$0] }
    let ours = try Self.raw(.gradcam, k: 1, eigenSmooth: true).cam
    #expect(abs(pearson(ours, Self.firstComponent(weighted).map { Float($0) })) > 0.99999)
    #expect(pearson(ours, Self.channelSum { _, i in weighted[i] }) > 0)
  }

  @Test(
    "ablationcam: w_c = (y − y_c)/y with channel c zeroed (activation minimum 0)",
    arguments: [0, 1, 2, 3])
  func ablation(k: Int) throws {
    let a = TinyModel.activation(TinyModel.input(), relu: true)
    let y = TinyModel.score(a, k: k)
    let w = (0..<3).map { c in
      var ablated = a
      for p in 0..<16 { ablated[c * 16 + p] = 0 }
      return (y - TinyModel.score(ablated, k: k)) / y
    }
    let r = try Self.raw(.ablationcam, k: k)
    Self.expectClose(try #require(r.weights), w, tolerance: 1e-4)
    Self.expectClose(r.cam, Self.channelSum { c, i in w[c] * a[i] }, tolerance: 1e-4)
  }

  @Test("ablationcam: with a negative minimum the channel is set to min − 1e7")
  func ablationNegative() throws {
    let a = TinyModel.activation(TinyModel.input(), relu: false)
    let low = try #require(a.min())
    #expect(low < 0)
    let y = TinyModel.score(a, k: 2)
    let w = (0..<3).map { c in
      var ablated = a.map(Double.init)
      for p in 0..<16 { ablated[c * 16 + p] = Double(low) - 1e7 }
      var yc = Double(TinyModel.fcBias[2])
      for ch in 0..<3 {
        let m = (0..<16).reduce(0.0) { $0 + ablated[ch * 16 + $1] * ablated[ch * 16 + $1] } / 16
        yc += Double(TinyModel.fcWeight[2 * 3 + ch]) * m
      }
      return Float((Double(y) - yc) / Double(y))
    }
    let r = try Self.raw(.ablationcam, k: 2, relu: false)
    Self.expectClose(try #require(r.weights), w, tolerance: 1e-3)
  }

  @Test("scorecam: softmax of the target logit on inputs masked by each upsampled channel")
  func scoreCAM() throws {
    let tiny = try TinyModel(relu: true)
    let x = TinyModel.input()
    let a = TinyModel.activation(x, relu: true)
    // The 4×4 layer has the input's size: the masks are the min-max'd channels themselves.
    let scores: [Float] = try (0..<3).map { c in
      let plane = Array(a[c * 16..<(c + 1) * 16])
      let lo = plane.min() ?? 0
      let hi = plane.max() ?? 0
      let mask = plane.map { hi == lo ? 0 : ($0 - lo) / (hi - lo + 1e-8) }
      let masked = (0..<32).map { x.data[$0] * mask[$0 % 16] }
      let logits = try tiny.model.predict(Tensor(shape: [1, 2, 4, 4], data: masked))[0]
      return logits.data[3]
    }
    let e = scores.map { exp(Double($0 - (scores.max() ?? 0))) }
    let softmax = e.map { Float($0 / e.reduce(0, +)) }
    for batch in [1, 2, 32] {
      let runner = try CAMRunner(
        model: tiny.model,
        options: CAMOptions(method: .scorecam, layers: [tiny.layer], scoreBatch: batch))
      let pass = try #require(try runner.run(x) { _ throws(CAMError) in [3] }.first)
      Self.expectClose(try #require(pass.layerWeights[0]), softmax, tolerance: 1e-5)
    }
  }

  @Test("grad-cam++ on hand-made tensors: α = 0 where G = 0")
  func plusPlusByHand() throws {
    let tiny = try TinyModel(relu: true)
    let probe = ModelProbe(
      model: tiny.model, pass: try tiny.model.forward(TinyModel.input()), item: 0,
      input: TinyModel.input().data, inputShape: [1, 2, 4, 4], layer: tiny.layer, score: .logit,
      batchSize: 1)
    // One channel, 2×2: A = [1, 2, 3, 4] (Σ A = 10), G = [1, 0, −1, 2].
    let input = LayerInput(
      channels: 1, height: 2, width: 2, activations: [1, 2, 3, 4], gradients: [1, 0, -1, 2],
      logits: [0], targetClass: 0, targetScore: 1, probe: probe)
    guard case .weights(let w) = GradCAMPlusPlus.output(input) else {
      Issue.record("gradcam++ supplies weights")
      return
    }
    // α(G=1) = 1/(2+10+1e-6); α(G=2) = 4/(8+80+1e-6); ReLU(G) drops G = −1.
    let expected = Float(1.0 / (12 + 1e-6) + 2 * 4 / (88 + 1e-6))
    #expect(abs(w[0] - expected) < 1e-6)
    guard case .terms(let t) = GradCAMElementWise.output(input) else {
      Issue.record("gradcam-elementwise supplies terms")
      return
    }
    #expect(t == [1, 0, 0, 8])
  }
}
