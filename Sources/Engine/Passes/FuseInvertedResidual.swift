/// Fuses an inverted-residual block — an optional 1×1 expand `Conv`, a depthwise `Conv` and a
/// 1×1 project `Conv` (with its residual `Add` already fused by ``FuseResidualAdd``) — into one
/// ``InvertedResidual`` step when nothing else reads the intermediate tensors: a batch then runs
/// the block image by image with one image's intermediates still in cache.
///
/// A stem in front of a block without expand (a k×k convolution of an input with few channels,
/// as EfficientNet-Lite0 and MobileNetV2 start) is fused with it the same way, into one
/// ``StemBlock``.
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
    /// The single-input, single-output convolution producing `t` when only one step reads `t`.
    func soleProducer(_ t: String) -> (Int, Conv)? {
      guard !outputs.contains(t), consumers[t]?.count == 1, let p = producers[t],
        let conv = g.steps[p].op as? Conv, g.steps[p].inputs.count == 1,
        g.steps[p].outputs.count == 1
      else { return nil }
      return (p, conv)
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
      // The convolution in front of the depthwise: a 1×1 expand, or a network's stem when the
      // block has neither expand nor residual (``StemBlock``).
      var expand: Conv?
      var stem: Conv?
      var input = e
      if case (let r, let conv)? = soleProducer(e), !removed.contains(r), conv.packed != nil,
        !conv.addsResidual
      {
        let x = g.steps[r].inputs[0]
        if conv.isPointwise {
          expand = conv
        } else if !project.addsResidual, let shape = g.shapes[x], shape.count == 4,
          let channels = shape[1].value, StemBlock.handles(conv, channels: channels)
        {
          stem = conv
        }
        if expand != nil || stem != nil {
          input = x
          removed.insert(r)
          g.folded[e] = step.outputs[0]
        }
      }
      removed.insert(q)
      g.folded[d] = step.outputs[0]
      let block = InvertedResidual(expand: expand, depthwise: depthwise, project: project)
      g.steps[i].op = stem.map { StemBlock(stem: $0, block: block) } ?? block
      g.steps[i].opType = stem == nil ? "InvertedResidual" : "StemBlock"
      g.steps[i].inputs[0] = input
    }
    g.steps = g.steps.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }
}
