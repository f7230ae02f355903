import Engine
import Foundation
import TestSupport
import Testing

@testable import CAM

/// Every method against pytorch-grad-cam 1.5.7 on the same weights and input: weights and raw
/// (7×7) maps at r ≥ 0.999, final 224×224 maps at r ≥ 0.99, per photo, four architectures.
@Suite("CAM golden (pytorch-grad-cam)")
struct CAMGoldenTests {
  /// Methods with reference data and the reference's file stem.
  static let methods: [(CAMMethod, String)] = [
    (.gradcam, "gradcam"), (.hirescam, "hirescam"), (.gradcamPlusPlus, "gradcampp"),
    (.xgradcam, "xgradcam"), (.layercam, "layercam"), (.eigencam, "eigencam"),
  ]

  struct Loaded {
    var model: Model
    var input: Tensor
    var meta: GoldenCase.Meta
  }

  static func load(_ c: GoldenCase) throws -> Loaded? {
    guard let model = try c.loadModel(), let input = try c.input(), let meta = try c.meta() else {
      return nil
    }
    return Loaded(model: model, input: input, meta: meta)
  }

  /// Compares one method's raw map, weights and final map with the reference; returns the
  /// correlations (raw, weights or nil, final).
  static func compare(
    _ c: GoldenCase, _ l: Loaded, options: CAMOptions, stem: String, upToSign: Bool
  ) throws -> (raw: Double, weights: Double?, map: Double?) {
    let runner = try CAMRunner(model: l.model, options: options)
    #expect(runner.layers == [l.meta.onnxTargetTensor] || c.isLite0)
    let passes = try runner.run(l.input) { logits throws(CAMError) in
      try CAMRunner.classes(for: [.top1], logits: logits)
    }
    let pass = try #require(passes.first)
    #expect(pass.classID == l.meta.top1)
    let ours = pass.layerCAM[0]
    let rawRef = try #require(try c.array("\(stem)_raw"))
    let signed = pearson(ours.values, rawRef.values)
    let raw = upToSign ? abs(signed) : signed
    #expect(raw >= 0.999, "\(c) \(stem) raw r = \(signed)")
    var weights: Double?
    if let ref = try c.array("\(stem)_weights"), let w = pass.layerWeights[0] {
      weights = pearson(w, ref.values)
      #expect((weights ?? 0) >= 0.999, "\(c) \(stem) weights r = \(weights ?? 0)")
    }
    var map: Double?
    if let ref = try c.array(stem) {
      // Where pytorch-grad-cam's SVD took the other sign, its map is the ReLU of the inverted
      // component: build that from ours to compare the rest of the pipeline.
      let final: Heatmap
      if signed < 0 {
        let inverted = Heatmap(
          width: ours.width, height: ours.height, values: ours.values.map { -$0 })
        final = CAMRunner.aggregate(
          [inverted.rectified()], width: l.input.shape[3], height: l.input.shape[2])
      } else {
        final = try runner.explain(l.input).map
      }
      map = pearson(final.values, ref.values)
      #expect((map ?? 0) >= 0.99, "\(c) \(stem) map r = \(map ?? 0)")
    }
    log(
      "CAMGOLDEN \(c.model) \(c.photo) \(stem): raw r=\(signed)"
        + (weights.map { " weights r=\($0)" } ?? "") + (map.map { " map r=\($0)" } ?? ""))
    return (raw, weights, map)
  }

  @Test("gradient and activation methods equal pytorch-grad-cam", arguments: GoldenCase.all)
  func methods(_ c: GoldenCase) throws {
    guard let l = try Self.load(c) else { return }
    for (method, stem) in Self.methods {
      _ = try Self.compare(
        c, l, options: CAMOptions(method: method), stem: stem, upToSign: method == .eigencam)
    }
  }

  @Test("EigenCAM is oriented with the channel mean of the activations", arguments: GoldenCase.all)
  func eigenCAMOrientation(_ c: GoldenCase) throws {
    guard let l = try Self.load(c) else { return }
    let runner = try CAMRunner(model: l.model, options: CAMOptions(method: .eigencam))
    let pass = try #require(
      try runner.run(l.input) { _ throws(CAMError) in [0] }.first)
    let a = try l.model.forward(l.input).activation(runner.layers[0])
    let (ch, area) = (a.shape[1], a.shape[2] * a.shape[3])
    let mean = (0..<area).map { p in (0..<ch).reduce(Float(0)) { $0 + a.data[$1 * area + p] } }
    #expect(pearson(pass.layerCAM[0].values, mean) > 0)
  }

  /// Whether to run the full ScoreCAM comparison (one masked forward per channel: about a minute
  /// per photo in a debug build, seconds in release): `CAMVIDEO_FULL_SCORECAM=1`, or a release
  /// build of the tests.
  static let fullScoreCAM: Bool = {
    #if DEBUG
      if ProcessInfo.processInfo.environment["CAMVIDEO_FULL_SCORECAM"] == "1" { return true }
      log(
        "\n*** CAM golden: the full ScoreCAM maps are compared only with CAMVIDEO_FULL_SCORECAM=1"
          + " or in a release build; the sampled-channel ScoreCAM test runs always ***\n")
      return false
    #else
      return true
    #endif
  }()

  @Test(
    "ScoreCAM equals pytorch-grad-cam (batched masked inputs, every channel)",
    .enabled(if: fullScoreCAM), arguments: GoldenCase.all)
  func scoreCAM(_ c: GoldenCase) throws {
    guard let l = try Self.load(c) else { return }
    let start = Date()
    _ = try Self.compare(
      c, l, options: CAMOptions(method: .scorecam, scoreBatch: 32), stem: "scorecam",
      upToSign: false)
    log("CAMGOLDEN \(c.model) \(c.photo) scorecam took \(Date().timeIntervalSince(start)) s")
  }

  /// ScoreCAM's per-channel scores against the reference weights, on a sample of channels.
  ///
  /// The weights are `softmax(s)`: for every channel, `log w_c − s_c` is the same
  /// constant `−log Σ exp s`. Checked on a sample of 32 channels (the 16 heaviest and 16 spread
  /// over the rest), which is fast enough for debug builds.
  @Test(
    "ScoreCAM's masked-input scores match pytorch-grad-cam's weights (sampled channels)",
    arguments: GoldenCase.all)
  func scoreCAMSampled(_ c: GoldenCase) throws {
    guard let l = try Self.load(c) else { return }
    let reference = try #require(try c.array("scorecam_weights")).values
    let layer = try CAMRunner(model: l.model).layers[0]
    let pass = try l.model.forward(l.input)
    let a = try pass.activation(layer)
    let (channels, h, w) = (a.shape[1], a.shape[2], a.shape[3])
    let heavy = reference.indices.sorted { reference[$0] > reference[$1] }.prefix(16)
    let spread = stride(from: 0, to: channels, by: max(channels / 16, 1)).filter {
      !heavy.contains($0)
    }
    let sample = Array(heavy) + spread.prefix(16)
    let probe = ModelProbe(
      model: l.model, pass: pass, item: 0, input: l.input.data, inputShape: l.input.shape,
      layer: layer, score: .logit, batchSize: 16)
    let input = LayerInput(
      channels: channels, height: h, width: w, activations: a.data,
      gradients: [Float](repeating: 0, count: a.count), logits: pass.logits.data,
      targetClass: l.meta.top1, targetScore: pass.logits.data[l.meta.top1], probe: probe)
    let scores = try ScoreCAM.scores(input, channels: sample)
    let offsets = zip(sample, scores).compactMap { ch, s -> Double? in
      reference[ch] > 1e-30 ? log(Double(reference[ch])) - Double(s) : nil
    }
    let spreadOfOffsets = (offsets.max() ?? 0) - (offsets.min() ?? 0)
    #expect(offsets.count >= 16)
    #expect(spreadOfOffsets <= 1e-2, "\(c): log w − s varies by \(spreadOfOffsets)")
    log(
      "CAMGOLDEN \(c.model) \(c.photo) scorecam (\(offsets.count) sampled channels): "
        + "spread of log w − s = \(spreadOfOffsets)")
  }

  @Test("eigen-smooth Grad-CAM equals pytorch-grad-cam up to sign", arguments: GoldenCase.all)
  func eigenSmooth(_ c: GoldenCase) throws {
    guard let l = try Self.load(c) else { return }
    _ = try Self.compare(
      c, l, options: CAMOptions(method: .gradcam, eigenSmooth: true),
      stem: "gradcam_eigen_smooth", upToSign: true)
  }

  @Test(
    "aug-smooth Grad-CAM equals pytorch-grad-cam where its passes agree on the class",
    arguments: GoldenCase.all)
  func augSmooth(_ c: GoldenCase) throws {
    guard let l = try Self.load(c) else { return }
    let top1s = try #require(try c.array("gradcam_aug_smooth_top1s")).values.map { Int($0) }
    let ref = try #require(try c.array("gradcam_aug_smooth"))
    let runner = try CAMRunner(model: l.model, options: CAMOptions(augSmooth: true))
    let result = try runner.explain(l.input)
    #expect(result.classID == l.meta.top1)
    let r = pearson(result.map.values, ref.values)
    log("CAMGOLDEN \(c.model) \(c.photo) gradcam_aug_smooth: map r=\(r) (top1s \(top1s))")
    if top1s.allSatisfy({ $0 == l.meta.top1 }) {
      #expect(r >= 0.99, "\(c) aug-smooth map r = \(r)")
      // No renormalisation after the mean: same maximum as the reference.
      #expect(abs(result.map.maximum - (ref.values.max() ?? 0)) < 2e-3)
    }
  }

  @Test("guided backprop and Guided Grad-CAM equal pytorch-grad-cam's", arguments: GoldenCase.all)
  func guided(_ c: GoldenCase) throws {
    guard let l = try Self.load(c) else { return }
    let runner = try CAMRunner(model: l.model)
    // pytorch-grad-cam rewires nn.ReLU only: with none (ReLU6 models) its output is the plain
    // input gradient.
    let guided = l.meta.reluModulesReplacedByGuidedBackprop > 0
    let gb = try #require(
      try runner.inputGradients(l.input, targets: [.top1], guided: guided).first)
    #expect(gb.classID == l.meta.top1)
    let ref = try #require(try c.array("guided_backprop"))
    let r = pearson(gb.values, ref.values)
    #expect(r >= 0.99, "\(c) guided backprop r = \(r)")
    let map = try runner.explain(l.input).map
    let ours = gb.guidedGradCAM(map).map { Float($0) }
    let refCamGB = try #require(try c.array("guided_gradcam")).values
    let rc = pearson(ours, refCamGB)
    let meanAbs = zip(ours, refCamGB).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) } / 150_528
    #expect(rc >= 0.99, "\(c) guided Grad-CAM r = \(rc)")
    #expect(meanAbs <= 1.5, "\(c) guided Grad-CAM mean |Δ| = \(meanAbs)")
    log(
      "CAMGOLDEN \(c.model) \(c.photo) guided_backprop (\(guided ? "guided" : "plain")): r=\(r);"
        + " guided_gradcam r=\(rc) mean|Δ|=\(meanAbs)")
  }
}
