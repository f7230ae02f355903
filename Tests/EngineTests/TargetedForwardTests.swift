import TestSupport
import Testing

@testable import Engine

@Suite("Model.forward(_:keeping:)")
struct TargetedForwardTests {
  /// A layer at the end (Grad-CAM's default), the output of a residual block, a project
  /// convolution before its residual Add, a tensor inside a block and the input: each run
  /// targeted must give the full plan's logits, activation and gradient.
  static let layers = [
    "_head_act", "_blocks.14", "_blocks.14._bn2", "_blocks.9._act1", "input",
  ]

  @Test("equals the full forward pass: logits, activation and gradient", arguments: layers)
  func equalsFullPass(layer: String) throws {
    let model = try DefaultModel.get()
    var rng = SeededRandom(seed: 73)
    let x = rng.tensor([3, 3, 224, 224])
    let full = try model.forward(x)
    let targeted = try model.forward(x, keeping: [layer])
    #expect(Difference(targeted.logits.data, full.logits.data).maxAbs < 1e-4)
    let seed = Tensor.oneHot(classes: [1, 285, 999], count: 1000)
    let a = try full.backward(from: [seed], to: [layer])[0]
    let b = try targeted.backward(from: [seed], to: [layer])[0]
    #expect(b.name == a.name)
    let da = Difference(b.activation.data, a.activation.data)
    let dg = Difference(b.gradient.data, a.gradient.data)
    #expect(da.relative < 1e-5, "activation \(da)")
    #expect(dg.relative < 1e-4, "gradient \(dg)")
    #expect(dg.maxRef > 0, "the gradient is not all zeros")
  }

  @Test("the layers before the target run fused, the ones after it as in the full plan")
  func fusesUpstreamOnly() throws {
    let model = try DefaultModel.get()
    func fusedBlocks(_ layer: String) throws -> Int {
      let x = Tensor(zeros: [1, 3, 224, 224])
      // Block 0 runs fused with the stem (``StemBlock``).
      return try model.forward(x, keeping: [layer]).plan.steps.count {
        $0.opType == "InvertedResidual" || $0.opType == "StemBlock"
      }
    }
    #expect(try fusedBlocks("_head_act") == 16)
    // Blocks 0-13 and block 14 up to the project convolution; blocks 15 after the target.
    #expect(try fusedBlocks("_blocks.14._bn2") == 15)
    #expect(try fusedBlocks("input") == 0)
  }

  @Test("what backward to the kept layers does not need is not kept, and says so")
  func releasesTheRest() throws {
    let model = try DefaultModel.get()
    var rng = SeededRandom(seed: 79)
    let pass = try model.forward(rng.tensor([1, 3, 224, 224]), keeping: ["_blocks.14._bn2"])
    let seed = Tensor.oneHot(classes: [3], count: 1000)
    // Computed before the target and released.
    #expect(throws: EngineError.activationsNotKept(name: "_blocks.1._act0")) {
      try pass.activation("_blocks.1._act0")
    }
    // The residual input of block 14 is kept (the Add after the target reads it), but the
    // layers computed from it between it and the target are not: no backward from there.
    #expect(try pass.activation("_blocks.13").shape == [1, 192, 7, 7])
    #expect(throws: EngineError.activationsNotKept(name: "_blocks.13")) {
      try pass.backward(from: [seed], to: ["_blocks.13"])
    }
    #expect(throws: EngineError.activationsNotKept(name: "_blocks.13")) {
      try pass.outputs(replacing: "_blocks.13", with: Tensor(zeros: [1, 192, 7, 7]))
    }
    // A layer after the target can be differentiated and replaced.
    let head = try pass.backward(from: [seed], to: ["_head_act"])[0]
    #expect(head.gradient.shape == [1, 1280, 7, 7])
    let replaced = try pass.outputs(
      replacing: "_blocks.14._bn2", with: try pass.activation("_blocks.14._bn2"))
    #expect(Difference(replaced[0].data, pass.logits.data).maxAbs < 1e-5)
  }
}

@Suite("ExecutionPlan.runSplit")
struct BatchSplitTests {
  @Test("a batch run in parts on their own threads equals it run whole")
  func splitEqualsWhole() throws {
    let model = try DefaultModel.get()
    #expect(model.predictPlan.batchParallel)
    var rng = SeededRandom(seed: 83)
    let x = rng.tensor([5, 3, 224, 224])
    let plan = model.predictPlan
    let whole = Parallel.alone { plan.run(x, keep: .outputs) }
    let split = try #require(plan.runSplit(x, keep: .outputs, parts: 2))
    let a = try #require(whole[plan.outputs[0]])
    let b = try #require(split[plan.outputs[0]])
    #expect(b.shape == [5, 1000])
    #expect(Difference(b.data, a.data).maxAbs < 1e-4)
    // The full plan keeps every activation, and backward to the input (guided backpropagation)
    // nearly all: joining them back is not worth it.
    #expect(model.plan.runSplit(x, keep: .all, parts: 2) == nil)
    let guided = TargetedPlan(model.graph, keeping: [model.inputName])
    #expect(guided.plan.runSplit(x, keep: .tensors(guided.kept), parts: 2) == nil)
    // One item does not split.
    #expect(plan.runSplit(rng.tensor([1, 3, 224, 224]), keep: .outputs, parts: 2) == nil)
  }
}
