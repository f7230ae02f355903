import TestSupport
import Testing

@testable import Engine

@Suite("Conv")
struct ConvTests {
  struct Case: CustomStringConvertible {
    var shape: [Int]
    var outChannels: Int
    var kernel: Int
    var stride: Int
    var dilation: Int
    var pads: [Int]
    var group: Int
    var description: String {
      "x\(shape) M\(outChannels) k\(kernel) s\(stride) d\(dilation) pads\(pads) g\(group)"
    }
  }

  /// 1×1 (GEMM), k×k (im2col), grouped, depthwise; odd sizes, asymmetric pads.
  static let cases: [Case] = [
    Case(
      shape: [2, 5, 7, 9], outChannels: 3, kernel: 1, stride: 1, dilation: 1, pads: [0, 0, 0, 0],
      group: 1),
    Case(
      shape: [1, 3, 11, 13], outChannels: 4, kernel: 3, stride: 2, dilation: 1, pads: [0, 0, 1, 1],
      group: 1),
    Case(
      shape: [2, 4, 9, 8], outChannels: 6, kernel: 3, stride: 1, dilation: 2, pads: [2, 1, 2, 1],
      group: 2),
    Case(
      shape: [1, 6, 10, 7], outChannels: 3, kernel: 5, stride: 3, dilation: 1, pads: [1, 2, 2, 1],
      group: 3),
    Case(
      shape: [1, 2, 6, 6], outChannels: 5, kernel: 1, stride: 2, dilation: 1, pads: [1, 1, 0, 0],
      group: 1),
    Case(
      shape: [2, 5, 12, 11], outChannels: 5, kernel: 5, stride: 2, dilation: 1, pads: [1, 1, 2, 2],
      group: 5),
    Case(
      shape: [1, 4, 7, 7], outChannels: 8, kernel: 3, stride: 1, dilation: 1, pads: [1, 1, 1, 1],
      group: 4),
    // Larger planes: several SIMD blocks and row tiles per depthwise plane, several GEMM chunks.
    Case(
      shape: [1, 3, 41, 40], outChannels: 3, kernel: 3, stride: 1, dilation: 1, pads: [1, 1, 1, 1],
      group: 3),
    Case(
      shape: [2, 2, 45, 44], outChannels: 2, kernel: 5, stride: 2, dilation: 1, pads: [1, 1, 2, 2],
      group: 2),
    Case(
      shape: [1, 8, 40, 41], outChannels: 300, kernel: 1, stride: 1, dilation: 1,
      pads: [0, 0, 0, 0],
      group: 1),
  ]

  func make(_ c: Case, rng: inout SeededRandom, activation: Clip? = nil) -> Conv {
    Conv(
      weight: rng.tensor([c.outChannels, c.shape[1] / c.group, c.kernel, c.kernel]),
      bias: c.outChannels == 5 ? nil : rng.tensor([c.outChannels]).data, group: c.group,
      strides: [c.stride, c.stride],
      dilations: [c.dilation, c.dilation], pads: c.pads, activation: activation)
  }

  @Test("every kernel path equals the direct reference, forward and backward")
  func matchesReference() {
    var rng = SeededRandom(seed: 21)
    for c in Self.cases {
      let conv = make(c, rng: &rng)
      let x = rng.tensor(c.shape)
      let y = conv.forward([x])[0]
      let g = conv.geometry(x.shape)
      let ref = ConvReference.forward(
        x: x.data, g, weight: conv.weight.data, outChannels: c.outChannels, groups: c.group,
        bias: conv.bias)
      #expect(y.shape == [c.shape[0], c.outChannels, g.outHeight, g.outWidth], "\(c)")
      #expect(Difference(y.data, ref).maxAbs < 1e-4, "forward \(c)")
      let dy = rng.tensor(y.shape)
      let step = BackwardStep(
        inputs: [x], outputs: [y], outputGradients: [dy], wanted: [true], guided: false)
      let dx = conv.backward(step)[0]
      let refDx = ConvReference.backwardInput(
        dy: dy.data, g, weight: conv.weight.data, outChannels: c.outChannels, groups: c.group)
      #expect(Difference(dx?.data ?? [], refDx).maxAbs < 1e-4, "backward \(c)")
    }
  }

  @Test("backward equals central finite differences")
  func finiteDifferences() {
    var rng = SeededRandom(seed: 22)
    for c in Self.cases.prefix(4) {
      let conv = make(c, rng: &rng)
      expectGradients(conv, [rng.tensor(c.shape)])
    }
  }

  @Test("a fused activation equals Conv then Clip, forward and backward (guided too)")
  func fusedActivation() {
    var rng = SeededRandom(seed: 23)
    for c in Self.cases {
      let clip = Clip(lower: 0, upper: 0.5)
      let plain = make(c, rng: &rng)
      var fused = plain
      fused.activation = clip
      let x = rng.tensor(c.shape)
      let z = plain.forward([x])[0]
      let y = fused.forward([x])[0]
      #expect(Difference(y.data, clip.forward(z).data).maxAbs < 1e-6, "\(c)")
      let dy = rng.tensor(y.shape)
      for guided in [false, true] {
        let dz = clip.gradient(x: z, y: y, dy: dy, guided: guided)
        let expected = plain.backward(
          BackwardStep(
            inputs: [x], outputs: [z], outputGradients: [dz], wanted: [true], guided: guided))[0]
        let got = fused.backward(
          BackwardStep(
            inputs: [x], outputs: [y], outputGradients: [dy], wanted: [true], guided: guided))[0]
        #expect(
          Difference(got?.data ?? [], expected?.data ?? []).maxAbs < 1e-5, "\(c) guided \(guided)")
      }
    }
  }

  @Test("folding a BatchNormalization equals running it after the convolution")
  func foldsBatchNorm() {
    var rng = SeededRandom(seed: 24)
    let c = Self.cases[1]
    let conv = make(c, rng: &rng)
    let bn = BatchNormalization(
      scale: rng.tensor([c.outChannels]).data, shift: rng.tensor([c.outChannels]).data)
    let x = rng.tensor(c.shape)
    let expected = bn.forward(conv.forward([x])[0])
    let folded = conv.folding(scale: bn.scale, shift: bn.shift).forward([x])[0]
    #expect(Difference(folded.data, expected.data).maxAbs < 1e-5)
  }

  @Test("extra pads equal a zero Pad before the convolution")
  func addsPads() {
    var rng = SeededRandom(seed: 25)
    let c = Self.cases[1]
    let conv = make(c, rng: &rng)
    let x = rng.tensor(c.shape)
    let pad = Pad(pads: [(0, 0), (0, 0), (1, 2), (0, 1)], mode: .constant, value: 0)
    let expected = conv.forward([pad.forward(x)])[0]
    let merged = conv.addingPads([1, 0, 2, 1]).forward([x])[0]
    #expect(merged.shape == expected.shape)
    #expect(Difference(merged.data, expected.data).maxAbs < 1e-5)
  }

  @Test("im2col's fold is the adjoint of unfold")
  func im2colAdjoint() {
    var rng = SeededRandom(seed: 26)
    let g = ConvGeometry(
      batch: 1, channels: 2, height: 7, width: 6, kernelH: 3, kernelW: 2, strideH: 2, strideW: 3,
      dilationH: 1, dilationW: 2, padTop: 1, padLeft: 0, padBottom: 2, padRight: 1)
    let rows = 2 * 3 * 2
    let cols = g.outHeight * g.outWidth
    let x = rng.tensor([2 * 7 * 6])
    let c = rng.tensor([rows * cols])
    var unfolded = [Float](repeating: 0, count: rows * cols)
    var folded = [Float](repeating: 0, count: x.count)
    x.data.withUnsafeBufferPointer { xp in
      unfolded.withUnsafeMutableBufferPointer { up in
        if let xb = xp.baseAddress, let ub = up.baseAddress {
          Im2col.unfold(xb, channels: 2, g, into: ub)
        }
      }
    }
    c.data.withUnsafeBufferPointer { cp in
      folded.withUnsafeMutableBufferPointer { fp in
        if let cb = cp.baseAddress, let fb = fp.baseAddress {
          Im2col.fold(cb, channels: 2, g, into: fb)
        }
      }
    }
    let lhs = zip(unfolded, c.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    let rhs = zip(x.data, folded).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    #expect(abs(lhs - rhs) < 1e-4)
  }

  @Test("auto_pad SAME_UPPER pads like TensorFlow's SAME; shapes are checked at load")
  func autoPad() throws {
    var rng = SeededRandom(seed: 27)
    let w = rng.tensor([2, 3, 3, 3])
    let model = try ModelBuilder.load(
      ModelBuilder.singleNode(
        "Conv", inputShape: [nil, 3, 8, 8],
        attributes: [
          ONNXWriter.attribute("auto_pad", string: "SAME_UPPER"),
          ONNXWriter.attribute("strides", ints: [2, 2]),
        ],
        extraInputs: [ONNXWriter.tensor(name: "w", shape: [2, 3, 3, 3], floats: w.data)]))
    #expect(model.outputShapes == [[.batch, 2, 4, 4]])
    let x = rng.tensor([1, 3, 8, 8])
    let y = try model.predict(x)[0]
    let expected = Conv(
      weight: w, bias: nil, group: 1, strides: [2, 2], dilations: [1, 1], pads: [0, 0, 1, 1]
    ).forward([x])[0]
    #expect(Difference(y.data, expected.data).maxAbs < 1e-6)

    let bad = ModelBuilder.singleNode(
      "Conv", inputShape: [nil, 4, 8, 8],
      extraInputs: [ONNXWriter.tensor(name: "w", shape: [2, 3, 3, 3], floats: w.data)])
    #expect(throws: ModelError.self) { try ModelBuilder.load(bad) }
  }
}
