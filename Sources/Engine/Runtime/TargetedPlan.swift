/// The plan behind ``Model/forward(_:keeping:)``: everything upstream of the kept tensors runs
/// fused, as in ``Model/predict(_:)``, and releases its values after their last reader; the
/// kept tensors and the operators between them and the outputs run as in the full plan, keeping
/// what backward (and ``ForwardPass/outputs(replacing:with:item:)``) reads.
///
/// For Grad-CAM at the last convolution, backward never reads the activations before that layer,
/// so keeping them all (and computing the intermediates of each inverted-residual block whole)
/// only costs memory traffic.
struct TargetedPlan: Sendable {
  let plan: ExecutionPlan
  /// By tensor id: the values the run keeps.
  let kept: [Bool]
  /// By tensor id: the tensors backward can reach (a kept tensor and everything computed from
  /// it), each with every value on its way to the outputs kept.
  let differentiable: [Bool]

  init(_ graph: CompiledGraph, keeping targets: Set<String>) {
    var depends = targets
    var protected = targets
    for s in graph.steps where s.inputs.contains(where: depends.contains) {
      depends.formUnion(s.outputs)
      protected.formUnion(s.inputs)
      protected.formUnion(s.outputs)
    }
    plan = ExecutionPlan(Self.fused(graph, protecting: protected))
    kept = plan.names.map(protected.contains)
    differentiable = plan.names.map(depends.contains)
  }

  /// `graph` with residual Adds, inverted-residual blocks and a stem with the block after it
  /// fused, except where that would remove a tensor of `protected`: what ``Model/predict(_:)``
  /// (nothing protected) and these plans run.
  static func fused(_ graph: CompiledGraph, protecting protected: Set<String>) -> CompiledGraph {
    var g = graph
    FuseResidualAdd.run(&g, protecting: protected)
    FuseInvertedResidual.run(&g, protecting: protected)
    return g
  }
}
