/// Fuses an inverted-residual block — an optional 1×1 expand `Conv`, a depthwise `Conv` and a
/// 1×1 project `Conv` (with its residual `Add` already fused by ``FuseResidualAdd``) — into one
/// ``InvertedResidual`` step when nothing else reads the intermediate tensors: a batch then runs
/// the block image by image with one image's intermediates still in cache.
///
/// The intermediate tensors are no longer computed whole, so only the logits-only plan
/// (``Model/predict(_:)``) and the plans of ``Model/forward(_:keeping:)`` run this pass, the
/// latter leaving the tensors in `protected` as they are. The intermediates are recorded as
/// folded into the block's output.
enum FuseInvertedResidual {
  static func run(_ g: inout CompiledGraph, protecting protected: Set<String> = []) {
    let outputs = Set(g.outputs).union(protected)
    let consumers = g.consumers()
    let producers = g.producers()
    func soleProducer(_ t: String) -> (step: Int, conv: Conv)? {
      g.soleConvProducer(of: t, consumers: consumers, producers: producers, kept: outputs)
    }
    var removed = Set<Int>()
    for (i, step) in g.steps.enumerated() {
      guard let project = step.op as? Conv, project.isPointwise, project.packed != nil,
        step.outputs.count == 1, let d = step.inputs.first,
        case (let q, let depthwise)? = soleProducer(d), !removed.contains(q), depthwise.isDepthwise,
        !depthwise.addsResidual, let e = g.steps[q].inputs.first,
        let shape = g.shapes[e], shape.count == 4, let c = shape[1].value,
        let h = shape[2].value, let w = shape[3].value,
        DepthwiseKernel.supports(depthwise.geometry([1, c, h, w]))
      else { continue }
      var expand: Conv?
      var input = e
      if case (let r, let conv)? = soleProducer(e), !removed.contains(r), conv.isPointwise,
        conv.packed != nil, !conv.addsResidual
      {
        expand = conv
        input = g.steps[r].inputs[0]
        removed.insert(r)
        g.folded[e] = step.outputs[0]
      }
      removed.insert(q)
      g.folded[d] = step.outputs[0]
      g.steps[i].op = InvertedResidual(expand: expand, depthwise: depthwise, project: project)
      g.steps[i].opType = "InvertedResidual"
      g.steps[i].inputs[0] = input
    }
    g.steps = g.steps.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }
}
