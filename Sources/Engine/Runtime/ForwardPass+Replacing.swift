extension ForwardPass {
  /// Reruns the graph downstream of one tensor with `value` in its place and returns the outputs:
  /// what the model would compute had that activation been `value` (AblationCAM's ablated
  /// channels, without recomputing the layers before it).
  ///
  /// Only the operators that depend on the replaced tensor run; every other tensor they read
  /// comes from this pass. With `item`, those tensors are taken from that batch item of this pass
  /// and repeated to `value`'s batch size, so one image's activation can be perturbed in a batch
  /// of variants.
  ///
  /// - Parameters:
  ///   - name: any name ``Model/resolveTensor(_:)`` accepts.
  ///   - value: the replacement, of the tensor's shape except (with `item`) the batch dimension.
  ///   - item: the batch item of this pass the other tensors are taken from, or nil when `value`
  ///     has this pass's batch size.
  /// - Returns: the outputs, in ``Model/outputNames`` order, with `value`'s batch size.
  /// - Throws: ``EngineError/unknownTensor(name:candidates:)``,
  ///   ``EngineError/activationsNotKept(name:)``, or ``EngineError/inputShape(expected:got:)``
  ///   when `value`'s shape does not fit.
  public func outputs(replacing name: String, with value: Tensor, item: Int? = nil)
    throws(EngineError) -> [Tensor]
  {
    let (id, resolved) = try differentiableID(name)
    guard let old = values[id] else { throw .activationsNotKept(name: name) }
    let batch = old.shape.first ?? 1
    let fits =
      value.rank == old.rank && value.rank > 0
      && Array(value.shape.dropFirst()) == Array(old.shape.dropFirst())
      && (item == nil ? value.shape[0] == batch : value.shape[0] > 0)
    guard fits, item.map({ $0 >= 0 && $0 < batch }) ?? true else {
      let rest = old.shape.dropFirst().map(String.init).joined(separator: "×")
      throw .inputShape(
        expected: "\(item == nil ? String(batch) : "N")×\(rest) for '\(resolved)'"
          + (item.map { " (item \($0) of a batch of \(batch))" } ?? ""),
        got: value.shape)
    }
    return plan.rerun(values: values, replacing: id, with: value, item: item, batch: batch)
  }
}

extension ExecutionPlan {
  /// The outputs with tensor `id` replaced by `value`; see
  /// ``ForwardPass/outputs(replacing:with:item:)``.
  func rerun(values base: [Tensor?], replacing id: Int, with value: Tensor, item: Int?, batch: Int)
    -> [Tensor]
  {
    var depends = [Bool](repeating: false, count: names.count)
    depends[id] = true
    var values = base
    values[id] = value
    var created = Set<Int>()
    let variants = value.shape[0]
    for (i, s) in steps.enumerated() where s.inputs.contains(where: { depends[$0] }) {
      var ins: [Tensor] = []
      for v in s.inputs {
        guard var t = values[v] else { preconditionFailure("tensor \(names[v]) is missing") }
        if !depends[v], constants[v] == nil, let item, t.rank > 0, t.shape[0] == batch {
          t = Self.repeatItem(t, item: item, batch: batch, times: variants)
          values[v] = t
          depends[v] = true  // now has the new batch size; later readers take it as is
        }
        ins.append(t)
      }
      let outs = s.op.forward(ins)
      for (o, t) in zip(s.outputs, outs) where o >= 0 {
        values[o] = t
        depends[o] = true
        created.insert(o)
      }
      ins.removeAll()
      for v in s.inputs where lastUse[v] == i && created.contains(v) {
        if let t = values[v] { BufferPool.shared.give(t.data) }
        values[v] = nil
      }
    }
    return outputs.map { values[$0] ?? Tensor(zeros: []) }
  }

  /// Item `item` of a `[batch, …]` tensor, repeated `times` times along the batch dimension.
  static func repeatItem(_ t: Tensor, item: Int, batch: Int, times: Int) -> Tensor {
    let per = t.count / batch
    let slice = t.data[item * per..<(item + 1) * per]
    var data: [Float] = []
    data.reserveCapacity(per * times)
    for _ in 0..<times { data.append(contentsOf: slice) }
    return Tensor(shape: [times] + t.shape.dropFirst(), data: data)
  }
}
