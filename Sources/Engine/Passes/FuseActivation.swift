/// Fuses a `Relu` or `Clip` into the `Conv` before it when nothing else reads the convolution's
/// output (and it has no activation yet): the clamp runs in the convolution's output pass instead
/// of a separate pass over memory.
///
/// The pre-activation tensor is recorded as folded into the activation's output; backward stays
/// exact (``Conv/activation``).
enum FuseActivation {
  static func run(_ g: inout CompiledGraph) {
    let outputs = Set(g.outputs)
    let consumers = g.consumers()
    let producers = g.producers()
    var removed = Set<Int>()
    for (i, step) in g.steps.enumerated() {
      let clamp: Clip
      switch step.op {
      case let c as Clip: clamp = c
      case is Relu: clamp = Clip(lower: 0, upper: .infinity)
      default: continue
      }
      guard let x = step.inputs.first, let p = producers[x], !removed.contains(p),
        let conv = g.steps[p].op as? Conv, conv.activation == nil, !conv.addsResidual,
        consumers[x]?.count == 1, !outputs.contains(x), g.steps[p].outputs.count == 1
      else { continue }
      let y = step.outputs[0]
      g.steps[p].op = conv.fusing(clamp)
      g.steps[p].outputs = [y]
      g.folded[x] = y
      removed.insert(i)
    }
    g.steps = g.steps.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }
}
