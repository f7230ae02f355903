/// Merges a zero `Pad` of the two spatial axes into the convolutions that read it (their `pads`
/// grow by the same amounts), as the TF-"SAME" padding of the torch EfficientNet export needs:
/// `Pad(x) → Conv` becomes `Conv(x)` with asymmetric pads.
///
/// Only when every reader of the padded tensor is a Conv and it is not a graph output.
enum MergePadIntoConv {
  static func run(_ g: inout CompiledGraph) {
    let outputs = Set(g.outputs)
    let consumers = g.consumers()
    var removed = Set<Int>()
    for (i, step) in g.steps.enumerated() {
      guard let pad = step.op as? Pad, let extra = pad.spatialZeroPads, let y = step.outputs.first,
        !outputs.contains(y), let readers = consumers[y], !readers.isEmpty,
        readers.allSatisfy({
          g.steps[$0].op is Conv && g.steps[$0].inputs.first == y && g.steps[$0].inputs.count == 1
        })
      else { continue }
      for r in readers {
        guard let conv = g.steps[r].op as? Conv else { continue }
        g.steps[r].op = conv.addingPads(extra)
        g.steps[r].inputs = [step.inputs[0]]
      }
      if let first = readers.first { g.folded[y] = g.steps[first].outputs[0] }
      removed.insert(i)
    }
    g.steps = g.steps.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }
}
