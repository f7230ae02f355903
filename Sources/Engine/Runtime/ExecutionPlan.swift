/// A compiled graph with its tensors numbered: what ``Model`` runs.
///
/// Immutable and shareable between threads; each forward pass owns its own values.
final class ExecutionPlan: Sendable {
  struct PlanStep: Sendable {
    var name: String
    var opType: String
    var op: any Operator
    var inputs: [Int]
    var outputs: [Int]
  }

  let steps: [PlanStep]
  /// Tensor names by id.
  let names: [String]
  /// Load-time shapes by id.
  let shapes: [[Dim]]
  /// The step producing each tensor (nil: the input or a constant).
  let producer: [Int?]
  let constants: [Int: Tensor]
  let input: Int
  let outputs: [Int]
  /// The last step reading each tensor (-1: none); graph outputs are never released.
  let lastUse: [Int]
  let index: [String: Int]
  /// Whether the batch items never meet, so parts of a batch can run apart (``runSplit``).
  let batchParallel: Bool

  init(_ g: CompiledGraph) {
    var names = [g.input.name]
    var index = [g.input.name: 0]
    func id(_ name: String) -> Int {
      if let i = index[name] { return i }
      index[name] = names.count
      names.append(name)
      return names.count - 1
    }
    var constants: [Int: Tensor] = [:]
    for (name, c) in g.constants.sorted(by: { $0.key < $1.key }) {
      if let t = c.tensor ?? c.floats.map({ Tensor(shape: c.shape, data: $0) }) {
        constants[id(name)] = t
      }
    }
    var steps: [PlanStep] = []
    for s in g.steps {
      let ins = s.inputs.map(id)
      let outs = s.outputs.map { $0.isEmpty ? -1 : id($0) }
      steps.append(PlanStep(name: s.name, opType: s.opType, op: s.op, inputs: ins, outputs: outs))
    }
    let outputs = g.outputs.map(id)
    var producer = [Int?](repeating: nil, count: names.count)
    var lastUse = [Int](repeating: -1, count: names.count)
    for (i, s) in steps.enumerated() {
      for o in s.outputs where o >= 0 { producer[o] = i }
      for x in s.inputs { lastUse[x] = i }
    }
    for o in outputs { lastUse[o] = Int.max }
    self.steps = steps
    self.names = names
    self.shapes = names.map { g.shapes[$0] ?? [] }
    self.producer = producer
    self.constants = constants
    self.input = 0
    self.outputs = outputs
    self.lastUse = lastUse
    self.index = index
    self.batchParallel = Self.isBatchParallel(
      input: g.input.shape, steps: steps, shapes: self.shapes)
  }

  /// Which values ``run(_:keep:)`` keeps after their last reader.
  enum Retention {
    /// Every value (backward to any tensor needs them).
    case all
    /// Only the graph outputs.
    case outputs
    /// The tensors whose ids are true, and the outputs.
    case tensors([Bool])
  }

  /// Runs every step, releasing the values `keep` does not retain after their last reader.
  ///
  /// With more than one thread a batch runs in parts, a thread each (``runSplit``), where it can.
  func run(_ x: Tensor, keep: Retention) -> [Tensor?] {
    let threads = Parallel.threads
    if threads > 1, let values = runSplit(x, keep: keep, parts: threads) { return values }
    var values = [Tensor?](repeating: nil, count: names.count)
    for (id, t) in constants { values[id] = t }
    values[input] = x
    // The values kept past their last reader, by id (nil: all of them).
    let kept: [Bool]?
    switch keep {
    case .all: kept = nil
    case .outputs: kept = []
    case .tensors(let k): kept = k
    }
    var ins: [Tensor] = []
    for (i, s) in steps.enumerated() {
      ins.removeAll(keepingCapacity: true)
      for v in s.inputs {
        guard let t = values[v] else {
          preconditionFailure("tensor \(names[v]) is missing before step \(s.name)")
        }
        ins.append(t)
      }
      let outs = s.op.forward(ins)
      for (o, t) in zip(s.outputs, outs) where o >= 0 { values[o] = t }
      guard let kept else { continue }
      ins.removeAll(keepingCapacity: true)
      for v in s.inputs where lastUse[v] == i && constants[v] == nil && v != input {
        if kept.indices.contains(v) && kept[v] { continue }
        if let t = values[v] { BufferPool.shared.give(t.data) }
        values[v] = nil
      }
    }
    return values
  }

  /// Gradients at `targets` of the scalar whose gradients with respect to the outputs are
  /// `seeds`, visiting only the steps on a path from a target to a seeded output.
  func backward(values: [Tensor?], seeds: [Int: Tensor], targets: Set<Int>, guided: Bool) -> [Int:
    Tensor]
  {
    // Tensors that depend on a target…
    var depends = [Bool](repeating: false, count: names.count)
    for t in targets { depends[t] = true }
    for s in steps where s.inputs.contains(where: { depends[$0] }) {
      for o in s.outputs where o >= 0 { depends[o] = true }
    }
    // …and lead to a seeded output.
    var reaches = [Bool](repeating: false, count: names.count)
    for o in seeds.keys { reaches[o] = true }
    for s in steps.reversed() where s.outputs.contains(where: { $0 >= 0 && reaches[$0] }) {
      for x in s.inputs { reaches[x] = true }
    }
    var grads: [Int: Tensor] = [:]
    for (o, g) in seeds where depends[o] { grads[o] = g }
    let first = steps.firstIndex { $0.inputs.contains(where: { depends[$0] }) } ?? steps.count
    var i = steps.count - 1
    while i >= first {
      defer { i -= 1 }
      let s = steps[i]
      let wanted = s.inputs.map { depends[$0] && reaches[$0] }
      guard wanted.contains(true) else { continue }
      let outGrads = s.outputs.map { $0 >= 0 ? grads[$0] : nil }
      guard outGrads.contains(where: { $0 != nil }) else { continue }
      var ins: [Tensor] = []
      var outs: [Tensor] = []
      for v in s.inputs {
        guard let t = values[v] else { preconditionFailure("backward needs \(names[v])") }
        ins.append(t)
      }
      for (k, v) in s.outputs.enumerated() {
        if v >= 0, let t = values[v] {
          outs.append(t)
        } else {
          outs.append(Tensor(zeros: outGrads[k]?.shape ?? []))
        }
      }
      let step = BackwardStep(
        inputs: ins, outputs: outs, outputGradients: outGrads, wanted: wanted, guided: guided)
      let inGrads = s.op.backward(step)
      for o in s.outputs where o >= 0 && !targets.contains(o) {
        if let g = grads[o], seeds[o] == nil { BufferPool.shared.give(g.data) }
        grads[o] = nil
      }
      for (k, v) in s.inputs.enumerated() where wanted[k] {
        guard let g = inGrads[k] else { continue }
        if let old = grads[v] {
          grads[v] = Elementwise.zip(old, g, +)
        } else {
          grads[v] = g
        }
      }
    }
    var result: [Int: Tensor] = [:]
    for t in targets {
      result[t] = grads[t] ?? values[t].map { Tensor(zeros: $0.shape) }
    }
    return result
  }
}
