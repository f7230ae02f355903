/// Evaluates, at load time, the nodes whose inputs are all known: shape arithmetic (`Shape` →
/// `Gather` → `Unsqueeze` → `Concat` → `Reshape`, `Cast`, `ConstantOfShape`, `Slice`, integer
/// `Add/Sub/Mul/Div`…) on integers that may depend on the batch size (``Dim``), and the data
/// movement ops on any constant.
///
/// Float arithmetic on constants is left to the graph compiler, which runs the operator's own
/// forward.
enum ConstantFolder {
  /// The outputs, or nil when this node is not evaluated here.
  static func evaluate(
    _ node: GraphNode, inputs: [ConstantTensor?], attributes: inout AttributeReader
  ) throws(NodeError) -> [ConstantTensor]? {
    func input(_ i: Int) throws(NodeError) -> ConstantTensor {
      guard i < inputs.count, let c = inputs[i] else { throw .invalid("input \(i) is missing") }
      return c
    }
    func ints(_ i: Int) throws(NodeError) -> [Int] {
      guard let v = try input(i).ints else {
        throw .unsupported("input \(i) must be known integers")
      }
      return v
    }
    switch node.opType {
    case "Constant":
      return [try constantValue(&attributes)]

    case "ConstantOfShape":
      let shape = try ints(0)
      guard shape.allSatisfy({ $0 >= 0 && $0 <= maximumTensorElements }),
        let n = shape.checkedProduct,
        n <= maximumTensorElements
      else {
        throw .invalid("shape \(shape)")
      }
      let fill = try attributes.tensor("value") ?? ConstantTensor(floats: [0], shape: [1])
      guard fill.count == 1 else { throw .invalid("value must have one element") }
      switch fill.elements {
      case .float(let v):
        return [
          ConstantTensor(
            type: fill.type, shape: shape, elements: .float(.init(repeating: v[0], count: n)))
        ]
      case .int(let v):
        return [
          ConstantTensor(
            type: fill.type, shape: shape, elements: .int(.init(repeating: v[0], count: n)))
        ]
      }

    case "Cast":
      guard let to = try attributes.int("to") else { throw .invalid("missing 'to'") }
      attributes.ignore("saturate")
      let type = try ElementType(onnx: to)
      return [try cast(try input(0), to: type)]

    case "Identity":
      return [try input(0)]

    case "Gather":
      let x = try input(0)
      let axis = try normalizedAxis(try attributes.int("axis", default: 0), rank: x.shape.count)
      let idx = try input(1)
      guard let raw = idx.ints else { throw .unsupported("indices must be known integers") }
      let dim = x.shape[axis]
      var indices: [Int] = []
      for i in raw {
        let j = i < 0 ? i + dim : i
        guard j >= 0 && j < dim else { throw .invalid("index \(i) out of range for \(dim)") }
        indices.append(j)
      }
      let shape = Array(x.shape[..<axis]) + idx.shape + Array(x.shape[(axis + 1)...])
      let pick = Layout.gather(Array(0..<x.count), shape: x.shape, axis: axis, indices: indices)
      return [x.picking(pick, shape: shape)]

    case "Unsqueeze":
      let x = try input(0)
      var axes = try attributes.ints("axes") ?? []
      if inputs.count > 1, inputs[1] != nil { axes = try ints(1) }
      let outRank = x.shape.count + axes.count
      var normalized: [Int] = []
      for a in axes { normalized.append(try normalizedAxis(a, rank: outRank)) }
      return [x.reshaped(Unsqueeze.shape(x.shape, axes: normalized.sorted(), one: 1))]

    case "Squeeze":
      let x = try input(0)
      var axes = try attributes.ints("axes") ?? []
      if inputs.count > 1, inputs[1] != nil { axes = try ints(1) }
      var normalized: [Int] = []
      for a in axes { normalized.append(try normalizedAxis(a, rank: x.shape.count)) }
      if normalized.isEmpty {
        normalized = x.shape.enumerated().filter { $0.element == 1 }.map(\.offset)
      }
      for a in normalized where x.shape[a] != 1 { throw .invalid("axis \(a) is not 1") }
      return [
        x.reshaped(x.shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element))
      ]

    case "Flatten":
      let x = try input(0)
      let raw = try attributes.int("axis", default: 1)
      let axis = raw < 0 ? raw + x.shape.count : raw
      guard axis >= 0 && axis <= x.shape.count else { throw .invalid("axis \(raw)") }
      return [x.reshaped([x.shape[..<axis].reduce(1, *), x.shape[axis...].reduce(1, *)])]

    case "Reshape":
      let x = try input(0)
      let spec = try ints(1)
      let allowZero = try attributes.int("allowzero", default: 0) != 0
      var out: [Int] = []
      var inferAt: Int?
      for (i, d) in spec.enumerated() {
        if d == 0 && !allowZero {
          guard i < x.shape.count else { throw .invalid("0 at \(i) copies a missing dimension") }
          out.append(x.shape[i])
        } else if d == -1 {
          guard inferAt == nil else { throw .invalid("several -1") }
          inferAt = i
          out.append(1)
        } else {
          guard d >= 0 else { throw .invalid("dimension \(d)") }
          out.append(d)
        }
      }
      guard out.checkedProduct != nil else { throw .invalid("shape \(spec) overflows") }
      if let at = inferAt {
        let rest = out.reduce(1, *)
        guard rest > 0, x.count % rest == 0 else {
          throw .invalid("cannot infer -1 in \(spec) for \(x.count) elements")
        }
        out[at] = x.count / rest
      }
      guard out.reduce(1, *) == x.count else {
        throw .invalid("cannot reshape \(x.shape) to \(out)")
      }
      return [x.reshaped(out)]

    case "Transpose":
      let x = try input(0)
      let perm = try attributes.ints("perm") ?? Array((0..<x.shape.count).reversed())
      guard Set(perm) == Set(0..<x.shape.count), perm.count == x.shape.count else {
        throw .invalid("perm \(perm)")
      }
      let pick = Layout.transpose(Array(0..<x.count), shape: x.shape, perm: perm)
      return [x.picking(pick, shape: perm.map { x.shape[$0] })]

    case "Concat":
      let parts = inputs.compactMap { $0 }
      guard let first = parts.first else { throw .invalid("no inputs") }
      guard let raw = try attributes.int("axis") else { throw .invalid("missing axis") }
      let axis = try normalizedAxis(raw, rank: first.shape.count)
      var total = 0
      for p in parts {
        guard p.shape.count == first.shape.count,
          p.shape.indices.allSatisfy({ $0 == axis || p.shape[$0] == first.shape[$0] })
        else { throw .invalid("shapes \(p.shape) and \(first.shape) differ off axis \(axis)") }
        total += p.shape[axis]
        guard total <= maximumTensorElements else { throw .invalid("concatenation too large") }
      }
      var shape = first.shape
      shape[axis] = total
      if parts.allSatisfy({ $0.dims != nil }) {
        let data = Layout.concat(parts.compactMap(\.dims), shapes: parts.map(\.shape), axis: axis)
        return [ConstantTensor(type: first.type, shape: shape, elements: .int(data))]
      }
      if parts.allSatisfy({ $0.dims == nil }) {
        let data = Layout.concat(parts.compactMap(\.floats), shapes: parts.map(\.shape), axis: axis)
        return [ConstantTensor(type: first.type, shape: shape, elements: .float(data))]
      }
      throw .invalid("inputs mix element types")

    case "Slice":
      let x = try input(0)
      let starts = try ints(1)
      let ends = try ints(2)
      let axes = inputs.count > 3 && inputs[3] != nil ? try ints(3) : Array(0..<starts.count)
      let steps =
        inputs.count > 4 && inputs[4] != nil
        ? try ints(4) : [Int](repeating: 1, count: starts.count)
      guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count
      else {
        throw .invalid("starts, ends, axes, steps differ in length")
      }
      var ranges = x.shape.map { Layout.SliceAxis(start: 0, step: 1, count: $0) }
      for i in 0..<starts.count {
        let a = try normalizedAxis(axes[i], rank: x.shape.count)
        guard steps[i] != 0, (-(1 << 31)...(1 << 31)).contains(steps[i]) else {
          throw .invalid("step \(steps[i])")
        }
        ranges[a] = Layout.sliceAxis(
          start: Slice.clampBound(starts[i]), end: Slice.clampBound(ends[i]), step: steps[i],
          dim: x.shape[a])
      }
      let pick = Layout.slice(Array(0..<x.count), shape: x.shape, axes: ranges)
      return [x.picking(pick, shape: ranges.map(\.count))]

    case "Add", "Sub", "Mul", "Div":
      let a = try input(0)
      let b = try input(1)
      guard let da = a.dims, let db = b.dims else { return nil }  // floats: the operator's forward
      guard let shape = Broadcast.shape(a.shape, b.shape) else {
        throw .invalid("shapes \(a.shape) and \(b.shape)")
      }
      let walk = BroadcastWalk(output: shape, a: a.shape, b: b.shape)
      var out: [Dim] = []
      var failure: NodeError?
      walk.forEachRow { _, oa, ob in
        for i in 0..<walk.rowLength {
          let x = da[oa + i * walk.innerStrideA]
          let y = db[ob + i * walk.innerStrideB]
          let r: Dim?
          switch node.opType {
          case "Add": r = x + y
          case "Sub": r = x - y
          case "Mul": r = x * y
          default: r = x / y
          }
          if let r {
            out.append(r)
          } else {
            failure = .unsupported(
              "\(node.opType)(\(x), \(y)) is not an integer affine in the batch size")
            out.append(0)
          }
        }
      }
      if let failure { throw failure }
      return [ConstantTensor(type: a.type, shape: shape, elements: .int(out))]

    default:
      return nil
    }
  }

  /// `Constant`'s one value attribute.
  private static func constantValue(_ attributes: inout AttributeReader) throws(NodeError)
    -> ConstantTensor
  {
    if let t = try attributes.tensor("value") { return t }
    if let f = try attributes.float("value_float") { return ConstantTensor(floats: [f], shape: []) }
    if let f = try attributes.floats("value_floats") {
      return ConstantTensor(floats: f, shape: [f.count])
    }
    if let i = try attributes.int("value_int") { return ConstantTensor(ints: [i], shape: []) }
    if let i = try attributes.ints("value_ints") {
      return ConstantTensor(ints: i, shape: [i.count])
    }
    throw .unsupported(
      "a Constant without a numeric value (string or sparse values are not supported)")
  }

  static func cast(_ x: ConstantTensor, to type: ElementType) throws(NodeError) -> ConstantTensor {
    switch (x.elements, type.isFloatingPoint) {
    case (.float, true):
      return ConstantTensor(type: type, shape: x.shape, elements: x.elements)
    case (.float(let v), false):
      let ints = v.map { f -> Dim in
        guard f.isFinite else { return Dim(0) }
        return type == .bool ? Dim(f != 0 ? 1 : 0) : Dim(Int(f.rounded(.towardZero)))
      }
      return ConstantTensor(type: type, shape: x.shape, elements: .int(ints))
    case (.int(let d), true):
      guard let v = d.values else {
        throw .unsupported("casting a batch-dependent size to \(type)")
      }
      return ConstantTensor(type: type, shape: x.shape, elements: .float(v.map { Float($0) }))
    case (.int(let d), false):
      if type == .bool {
        guard let v = d.values else { throw .unsupported("casting a batch-dependent size to BOOL") }
        return ConstantTensor(ints: v.map { $0 != 0 ? 1 : 0 }, shape: x.shape, type: .bool)
      }
      return ConstantTensor(type: type, shape: x.shape, elements: x.elements)
    }
  }
}

extension ConstantTensor {
  /// The elements at `indices`, under `shape`.
  func picking(_ indices: [Int], shape: [Int]) -> ConstantTensor {
    switch elements {
    case .float(let v):
      return ConstantTensor(type: type, shape: shape, elements: .float(indices.map { v[$0] }))
    case .int(let v):
      return ConstantTensor(type: type, shape: shape, elements: .int(indices.map { v[$0] }))
    }
  }

  func reshaped(_ shape: [Int]) -> ConstantTensor {
    ConstantTensor(type: type, shape: shape, elements: elements)
  }
}
