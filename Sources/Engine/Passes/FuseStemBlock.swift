internal import CKernels

/// Fuses a stem — a k×k `Conv` of an input with few channels — into the ``InvertedResidual``
/// without expand (nor residual) that alone reads it: one ``StemBlock`` step, so the stem's
/// output is computed band by band as the block reads it instead of written whole first.
///
/// Runs after ``FuseInvertedResidual``, in the same plans; the stem's output (unless in
/// `protected`) is recorded as folded into the block's output.
enum FuseStemBlock {
  static func run(_ g: inout CompiledGraph, protecting protected: Set<String> = []) {
    let outputs = Set(g.outputs).union(protected)
    let consumers = g.consumers()
    let producers = g.producers()
    var removed = Set<Int>()
    for (i, step) in g.steps.enumerated() {
      guard let block = step.op as? InvertedResidual, block.expand == nil,
        !block.project.addsResidual, step.inputs.count == 1, let s = step.inputs.first,
        case (let p, let stem)? = g.soleConvProducer(
          of: s, consumers: consumers, producers: producers, kept: outputs),
        !removed.contains(p), stem.group == 1, !stem.isPointwise, !stem.addsResidual,
        stem.packed != nil, let x = g.steps[p].inputs.first, let shape = g.shapes[x],
        shape.count == 4, let c = shape[1].value
      else { continue }
      let (k, strides, dilations) = (stem.kernel, stem.strides, stem.dilations)
      guard
        ck_conv_small_supported(c, k[0], k[1], strides[0], strides[1], dilations[0], dilations[1])
          != 0
      else { continue }
      removed.insert(p)
      g.folded[s] = step.outputs[0]
      g.steps[i].op = StemBlock(stem: stem, block: block)
      g.steps[i].opType = "StemBlock"
      g.steps[i].inputs[0] = x
    }
    g.steps = g.steps.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }
}
