import TestSupport
import Testing

@testable import Engine

@Suite("StemBlock")
struct StemBlockTests {
  /// `(batch, channels, h, w, stem kernel, stem stride, stem pads, mid, depthwise kernel,
  /// depthwise stride, depthwise pads, cout)`: EfficientNet-Lite0's shape (TF-SAME stride 2, then
  /// 3×3 stride 1) at a smaller size, odd sizes with a stride-2 depthwise, a 5×5 depthwise, and
  /// a single image short enough that two threads do not share it.
  static let cases: [(Int, Int, Int, Int, Int, Int, [Int], Int, Int, Int, [Int], Int)] = [
    (1, 3, 64, 64, 3, 2, [0, 0, 1, 1], 8, 3, 1, [1, 1, 1, 1], 5),
    (3, 3, 64, 64, 3, 2, [0, 0, 1, 1], 8, 3, 1, [1, 1, 1, 1], 5),
    (2, 3, 45, 39, 3, 2, [1, 1, 1, 1], 7, 3, 2, [0, 0, 1, 1], 9),
    (1, 2, 41, 37, 3, 1, [1, 1, 1, 1], 13, 5, 1, [2, 2, 2, 2], 6),
    (1, 3, 20, 24, 3, 2, [0, 0, 1, 1], 6, 3, 1, [1, 1, 1, 1], 4),
  ]

  @Test("bands of the stem and the block equal the two run one after the other, on 1 and 2 threads")
  func matchesSeparate() throws {
    var rng = SeededRandom(seed: 83)
    let relu6 = Clip(lower: 0, upper: 6)
    let saved = Parallel.threads
    defer { Parallel.setThreads(saved) }
    for (n, c, h, w, sk, ss, sp, mid, dk, ds, dp, cout) in Self.cases {
      let stem = rng.conv(in: c, out: mid, kernel: sk, group: 1, stride: ss, pads: sp, clamp: relu6)
      let d = rng.conv(
        in: mid, out: mid, kernel: dk, group: mid, stride: ds, pads: dp, clamp: relu6)
      let p = rng.conv(
        in: mid, out: cout, kernel: 1, group: 1, stride: 1, pads: [0, 0, 0, 0], clamp: nil)
      let x = rng.tensor([n, c, h, w], in: -2...2)
      let expected = p.forward(d.forward(stem.forward([x])))[0]
      let op = StemBlock(stem: stem, block: InvertedResidual(expand: nil, depthwise: d, project: p))
      #expect(try op.outputShapes([x.shape.map { Dim($0) }]) == [expected.shape.map { Dim($0) }])
      for threads in [1, 2] {
        Parallel.setThreads(threads)
        let y = op.forward([x])[0]
        #expect(y.shape == expected.shape)
        let diff = Difference(y.data, expected.data)
        #expect(diff.maxAbs < 1e-4, "\(n)×\(c)×\(h)×\(w), \(threads) threads: \(diff)")
        #expect(diff.maxRef > 0.5, "the outputs are not all near zero")
      }
    }
  }

  @Test("the default model's stem and first block are fused (AVX2), and predict equals forward")
  func fusesDefaultModel() throws {
    let model = try DefaultModel.get()
    let stems = model.predictPlan.steps.filter { $0.opType == "StemBlock" }
    // Only where the direct stem kernel runs: CPUs with AVX2 (or `CAMVIDEO_KERNELS` not below).
    let fusing = KernelISA.best.hasAVX2
    #expect(stems.map(\.inputs.count) == (fusing ? [1] : []))
    #expect(model.predictPlan.steps.first?.opType == (fusing ? "StemBlock" : "Conv"))
    var rng = SeededRandom(seed: 89)
    let x = rng.tensor([2, 3, 224, 224])
    let logits = try model.forward(x).logits
    #expect(Difference(try model.predict(x)[0].data, logits.data).maxAbs < 1e-4)
  }
}
