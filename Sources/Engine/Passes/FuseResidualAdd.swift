/// Fuses an `Add` into the `Conv` producing one of its inputs (``Conv/addingResidual()``) when
/// nothing else reads the convolution's output, the other input has the output's shape and is
/// computed before the convolution runs: the packed GEMM then adds the residual as it stores
/// each tile instead of a separate pass over memory (onnxruntime does the same).
///
/// The convolution's own output is no longer computed, so the full plan behind
/// ``Model/forward(_:)`` (which can return any tensor) does not run this pass; the logits-only plan
/// (``Model/predict(_:)``) and the plans of ``Model/forward(_:keeping:)`` do, leaving the tensors
/// in `protected` (what backward to the kept layers reads) as they are. The fused tensor is
/// recorded as folded into the Add's output.
enum FuseResidualAdd {
  static func run(_ g: inout CompiledGraph, protecting protected: Set<String> = []) {
    let outputs = Set(g.outputs).union(protected)
    let consumers = g.consumers()
    let producers = g.producers()
    var removed = Set<Int>()
    for (i, step) in g.steps.enumerated() {
      guard step.op is Add, step.inputs.count == 2, step.outputs.count == 1 else { continue }
      for side in 0..<2 {
        let x = step.inputs[side]
        let r = step.inputs[1 - side]
        guard x != r, let p = producers[x], !removed.contains(p),
          let conv = g.steps[p].op as? Conv, let fused = conv.addingResidual(),
          g.steps[p].inputs.count == 1, g.steps[p].outputs.count == 1,
          consumers[x]?.count == 1, !outputs.contains(x),
          let shape = g.shapes[x], g.shapes[r] == shape, g.constants[r] == nil,
          producers[r].map({ $0 < p }) ?? (r == g.input.name)
        else { continue }
        let y = step.outputs[0]
        g.steps[p].op = fused
        g.steps[p].inputs.append(r)
        g.steps[p].outputs = [y]
        g.folded[x] = y
        removed.insert(i)
        break
      }
    }
    g.steps = g.steps.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
  }
}
