/// Folds an inference `BatchNormalization` into the `Conv` before it, when nothing else reads the
/// convolution's output: `w' = s·w`, `b' = s·b + t` (``Conv/folding(scale:shift:)``).
///
/// The convolution then writes the BatchNormalization's output tensor; the old conv tensor is
/// recorded as folded into it.
enum FoldBatchNorm {
  static func run(_ g: inout CompiledGraph) {
    let outputs = Set(g.outputs)
    var consumers = g.consumers()
    var producers = g.producers()
    var removed = Set<Int>()
    for (i, step) in g.steps.enumerated() {
      guard let bn = step.op as? BatchNormalization, let x = step.inputs.first,
        let p = producers[x], !removed.contains(p), let conv = g.steps[p].op as? Conv,
        consumers[x]?.count == 1, !outputs.contains(x), g.steps[p].outputs.count == 1,
        bn.scale.count == conv.outChannels
      else { continue }
      let y = step.outputs[0]
      g.steps[p].op = conv.folding(scale: bn.scale, shift: bn.shift)
      g.steps[p].outputs = [y]
      g.folded[x] = y
      producers[y] = p
      consumers[x] = nil
      removed.insert(i)
    }
    g.steps = g.steps.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }
}
