import TestSupport
import Testing

@testable import Engine

@Suite("FuseResidualAdd")
struct FuseResidualAddTests {
  /// 1×1 (packed, with tails of 1–4 columns, rows not a multiple of 6, several images), k×k
  /// (implicit im2col), grouped and depthwise (the separate-pass paths).
  static let cases: [ConvTests.Case] =
    ConvTests.cases + [
      ConvTests.Case(
        shape: [3, 7, 5, 7], outChannels: 13, kernel: 1, stride: 1, dilation: 1,
        pads: [0, 0, 0, 0],
        group: 1),
      ConvTests.Case(
        shape: [1, 40, 7, 7], outChannels: 17, kernel: 1, stride: 1, dilation: 1,
        pads: [0, 0, 0, 0],
        group: 1),
      ConvTests.Case(
        shape: [2, 300, 3, 11], outChannels: 6, kernel: 1, stride: 1, dilation: 1,
        pads: [0, 0, 0, 0], group: 1),
      ConvTests.Case(
        shape: [1, 4, 9, 9], outChannels: 4, kernel: 3, stride: 1, dilation: 1, pads: [1, 1, 1, 1],
        group: 4),
    ]

  @Test("a fused residual equals Conv then Add, forward and backward, on odd shapes")
  func convMatchesUnfused() throws {
    var rng = SeededRandom(seed: 61)
    for c in Self.cases {
      let plain = ConvTests().make(c, rng: &rng)
      let fused = try #require(plain.addingResidual())
      let x = rng.tensor(c.shape)
      let z = plain.forward([x])[0]
      let r = rng.tensor(z.shape)
      #expect(
        try fused.outputShapes([x.shape.map { Dim($0) }, r.shape.map { Dim($0) }]).count == 1)
      let y = fused.forward([x, r])[0]
      let expected = Add().forward([z, r])[0]
      #expect(y.shape == z.shape, "\(c)")
      #expect(Difference(y.data, expected.data).maxAbs < 1e-6, "\(c)")
      let dy = rng.tensor(y.shape)
      let dx = plain.backward(
        BackwardStep(
          inputs: [x], outputs: [z], outputGradients: [dy], wanted: [true], guided: false))[0]
      let got = fused.backward(
        BackwardStep(
          inputs: [x, r], outputs: [y], outputGradients: [dy], wanted: [true, true],
          guided: false))
      #expect(got.count == 2)
      #expect(Difference(got[0]?.data ?? [], dx?.data ?? []).maxAbs == 0, "dx \(c)")
      #expect(got[1]?.data == dy.data, "dr \(c)")
      let onlyR = fused.backward(
        BackwardStep(
          inputs: [x, r], outputs: [y], outputGradients: [dy], wanted: [false, true],
          guided: false))
      #expect(onlyR[0] == nil && onlyR[1]?.data == dy.data)
    }
  }

  @Test("the packed GEMM adds the residual after bias and clamp (each instruction set)")
  func packedResidual() {
    var rng = SeededRandom(seed: 62)
    for (m, k, hw, images) in PackedWeightsTests.shapes {
      let w = rng.tensor([m, k]).data
      let x = rng.tensor([images, k, hw]).data
      let b = rng.tensor([m]).data
      let res = rng.tensor([images, m, hw]).data
      let packed = PackedWeights(w, rows: m, depth: k)
      for isa in KernelISA.available {
        var plain = [Float](repeating: .nan, count: images * m * hw)
        var fused = plain
        x.withUnsafeBufferPointer { xp in
          b.withUnsafeBufferPointer { bp in
            res.withUnsafeBufferPointer { rp in
              plain.withUnsafeMutableBufferPointer { yp in
                fused.withUnsafeMutableBufferPointer { fp in
                  guard let xb = xp.baseAddress, let yb = yp.baseAddress, let fb = fp.baseAddress
                  else { return }
                  packed.apply(
                    xb, hw: hw, images: images, xImageStride: k * hw, bias: bp.baseAddress,
                    lower: -0.5, upper: 0.25, into: yb, yImageStride: m * hw, isa: isa)
                  packed.apply(
                    xb, hw: hw, images: images, xImageStride: k * hw, bias: bp.baseAddress,
                    lower: -0.5, upper: 0.25, residual: rp.baseAddress, into: fb,
                    yImageStride: m * hw, isa: isa)
                }
              }
            }
          }
        }
        let expected = zip(plain, res).map { $0 + $1 }
        #expect(fused == expected, "\(isa) M \(m) K \(k) HW \(hw) ×\(images)")
      }
    }
  }

  @Test("predict (residual Adds fused) equals forward (unfused) on the default model")
  func modelMatchesUnfused() throws {
    let model = try DefaultModel.get()
    #expect(model.predictPlan.steps.count < model.plan.steps.count)
    #expect(!model.predictPlan.steps.contains { $0.opType == "Add" })
    #expect(model.plan.steps.contains { $0.opType == "Add" })
    var rng = SeededRandom(seed: 63)
    for n in [1, 2] {
      let x = rng.tensor([n, 3, 224, 224])
      let logits = try model.forward(x).logits
      let predicted = try model.predict(x)[0]
      #expect(predicted.shape == logits.shape)
      #expect(Difference(predicted.data, logits.data).maxAbs < 1e-5, "batch \(n)")
    }
  }

  @Test("an Add whose other input is computed after the convolution is not fused")
  func keepsLateResidual() {
    let conv = Conv(
      weight: Tensor(shape: [2, 2, 1, 1], data: [1, 0, 0, 1]), bias: nil, group: 1,
      strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0])
    let shape: [Dim] = [1, 2, 3, 3]
    var g = CompiledGraph(
      file: "t",
      steps: [
        Step(name: "c", opType: "Conv", op: conv, inputs: ["x"], outputs: ["a"]),
        Step(name: "r", opType: "Relu", op: Relu(), inputs: ["x"], outputs: ["b"]),
        Step(name: "add", opType: "Add", op: Add(), inputs: ["a", "b"], outputs: ["y"]),
        Step(name: "c2", opType: "Conv", op: conv, inputs: ["y"], outputs: ["e"]),
        Step(name: "add2", opType: "Add", op: Add(), inputs: ["b", "e"], outputs: ["z"]),
      ],
      shapes: ["x": shape, "a": shape, "b": shape, "y": shape, "e": shape, "z": shape],
      constants: [:], input: GraphInput(name: "x", shape: shape), outputs: ["z"], metadata: [:],
      aliases: [:], folded: [:], nodeOutputs: [], fileNodeCount: 5)
    FuseResidualAdd.run(&g)
    #expect(g.steps.map(\.name) == ["c", "r", "add", "c2"])
    #expect(g.steps[3].inputs == ["y", "b"] && g.steps[3].outputs == ["z"])
    #expect(g.folded == ["e": "z"])
  }
}
