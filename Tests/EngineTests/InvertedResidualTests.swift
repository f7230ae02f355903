import TestSupport
import Testing

@testable import Engine

@Suite("InvertedResidual")
struct InvertedResidualTests {
  /// `(batch, cin, h, w, expanded, kernel, stride, pads, cout, residual)`: with and without an
  /// expand, stride 2 with TF-SAME pads, channel and pixel counts off the GEMM tiles, batches
  /// (split by images across threads), a single image (split by rows) and one too small to
  /// split (run unfused when there are two threads).
  static let cases: [(Int, Int, Int, Int, Int?, Int, Int, [Int], Int, Bool)] = [
    (1, 5, 23, 19, 13, 3, 1, [1, 1, 1, 1], 5, true),
    (3, 5, 23, 19, 13, 3, 1, [1, 1, 1, 1], 5, true),
    (1, 4, 34, 30, 9, 3, 2, [0, 0, 1, 1], 7, false),
    (2, 7, 29, 33, nil, 5, 2, [1, 1, 2, 2], 11, false),
    (1, 6, 40, 40, 20, 5, 1, [2, 2, 2, 2], 6, true),
    (3, 3, 17, 70, nil, 3, 1, [1, 1, 1, 1], 3, true),
    (1, 6, 9, 11, 12, 3, 1, [1, 1, 1, 1], 6, true),
  ]

  @Test("the fused block equals expand, depthwise and project run one by one")
  func matchesUnfused() throws {
    var rng = SeededRandom(seed: 67)
    let relu6 = Clip(lower: 0, upper: 6)
    for (n, cin, h, w, expanded, k, s, pads, cout, residual) in Self.cases {
      let e = expanded.map {
        rng.conv(
          in: cin, out: $0, kernel: 1, group: 1, stride: 1, pads: [0, 0, 0, 0], clamp: relu6)
      }
      let ce = expanded ?? cin
      let d = rng.conv(in: ce, out: ce, kernel: k, group: ce, stride: s, pads: pads, clamp: relu6)
      var p = rng.conv(
        in: ce, out: cout, kernel: 1, group: 1, stride: 1, pads: [0, 0, 0, 0], clamp: nil)
      let x = rng.tensor([n, cin, h, w], in: -3...3)
      let t = d.forward([e?.forward([x])[0] ?? x])[0]
      var expected = p.forward([t])[0]
      var inputs = [x]
      if residual {
        let r = rng.tensor(expected.shape)
        p = try #require(p.addingResidual())
        expected = Add().forward([expected, r])[0]
        inputs.append(r)
      }
      // The default scratch (whole images at these sizes) and the least (strips of 4 rows, the
      // expanded rows in a ring that wraps).
      for bytes in [InvertedResidual.defaultStripBytes, 0] {
        var op = InvertedResidual(expand: e, depthwise: d, project: p)
        op.stripBytes = bytes
        let shapes = try op.outputShapes(inputs.map { $0.shape.map { Dim($0) } })
        #expect(shapes == [expected.shape.map { Dim($0) }])
        let y = op.forward(inputs)[0]
        #expect(y.shape == expected.shape)
        #expect(
          Difference(y.data, expected.data).maxAbs < 1e-4,
          "\(n)×\(cin)×\(h)×\(w) k\(k) s\(s), \(bytes) bytes a strip")
      }
    }
  }

  @Test("strips keep to their scratch, at least four rows, and take whole images when they fit")
  func stripSizes() {
    // The 112×112 block of EfficientNet-Lite0 (16 → 96, 3×3 stride 2 → 56×56): a ring of
    // 2s + 1 rows of 112 and s rows of 56, 96 planes each, within 2 MB: s = 19.
    let s = InvertedResidual.strip(
      rows: 56, expanded: 96, h: 112, w: 112, outWidth: 56, kernel: 3, stride: 2)
    #expect(s == 19)
    #expect(4 * 96 * ((2 * s + 1) * 112 + s * 56) <= InvertedResidual.defaultStripBytes)
    #expect(4 * 96 * ((2 * s + 3) * 112 + (s + 1) * 56) > InvertedResidual.defaultStripBytes)
    #expect(
      InvertedResidual.strip(
        rows: 56, expanded: 96, h: 112, w: 112, outWidth: 56, kernel: 3, stride: 2, bytes: 0) == 4)
    #expect(
      InvertedResidual.strip(
        rows: 7, expanded: 1152, h: 7, w: 7, outWidth: 7, kernel: 5, stride: 1) == 7)
  }

  @Test("predict fuses every block of the default model and equals forward")
  func fusesDefaultModel() throws {
    let model = try DefaultModel.get()
    // Block 0 (no expand) runs with the stem in front of it (``StemBlock``) where the CPU runs
    // the direct stem kernel (AVX2), on its own elsewhere.
    let stems = KernelISA.best.hasAVX2 ? 1 : 0
    let fused = model.predictPlan.steps.filter { $0.opType == "InvertedResidual" }
    #expect(fused.count == 16 - stems)
    #expect(model.predictPlan.steps.count { $0.opType == "StemBlock" } == stems)
    var rng = SeededRandom(seed: 71)
    for n in [1, 3] {
      let x = rng.tensor([n, 3, 224, 224])
      let logits = try model.forward(x).logits
      #expect(Difference(try model.predict(x)[0].data, logits.data).maxAbs < 1e-4, "batch \(n)")
    }
  }
}
