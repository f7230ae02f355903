import Dispatch

/// Time spent in one operator type during ``Model/profile(_:repeats:bySteps:)``.
public struct OperatorTiming: Sendable {
  /// The op type (a step's name and output shape when profiling by step).
  public var opType: String
  /// Number of operators of this type in the compiled graph.
  public var count: Int
  /// Median seconds per forward pass, summed over those operators.
  public var seconds: Double
}

extension Model {
  /// Runs the forward pass `repeats` times and returns the median time per op type (Conv split
  /// into depthwise, 1×1 and k×k), or per step with `bySteps`, slowest first (for benchmarks and
  /// tuning; the plan ``predict(_:)`` runs, activations released as there).
  public func profile(_ batch: Tensor, repeats: Int = 5, bySteps: Bool = false) throws(EngineError)
    -> [OperatorTiming]
  {
    _ = try checkInput(batch)
    let plan = predictPlan
    var samples = [[Double]](repeating: [], count: plan.steps.count)
    for _ in 0..<max(repeats, 1) {
      var values = [Tensor?](repeating: nil, count: plan.names.count)
      for (id, t) in plan.constants { values[id] = t }
      values[plan.input] = batch
      for (i, s) in plan.steps.enumerated() {
        let ins = s.inputs.compactMap { values[$0] }
        let start = DispatchTime.now().uptimeNanoseconds
        let outs = s.op.forward(ins)
        samples[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        for (o, t) in zip(s.outputs, outs) where o >= 0 { values[o] = t }
        for v in s.inputs where plan.lastUse[v] == i && plan.constants[v] == nil {
          // Recycled as in predict (fresh buffers would time page faults instead of the op).
          if v != plan.input, let t = values[v] { BufferPool.shared.give(t.data) }
          values[v] = nil
        }
      }
    }
    var byType: [String: (Int, Double)] = [:]
    for (i, s) in plan.steps.enumerated() {
      let sorted = samples[i].sorted()
      let median = sorted[sorted.count / 2]
      var key = bySteps ? "\(s.name) \(plan.shapes[s.outputs[0]].shapeDescription)" : s.opType
      if let c = s.op as? Conv {
        key += c.isDepthwise ? " dw" : (c.isPointwise ? " 1x1" : " kxk")
      }
      let old = byType[key] ?? (0, 0)
      byType[key] = (old.0 + 1, old.1 + median)
    }
    return byType.map { OperatorTiming(opType: $0.key, count: $0.value.0, seconds: $0.value.1) }
      .sorted { $0.seconds > $1.seconds }
  }
}
