/// Turns an imported ``Graph`` into a ``CompiledGraph`` in one sweep in topological order:
/// pass-through nodes become aliases, nodes whose inputs are all known are evaluated (constant
/// folding, including `Shape` of an activation with a dynamic batch), and every other node is
/// built into its ``Operator`` from the ``OperatorTable`` with its output shapes inferred.
///
/// A node the engine cannot handle fails here, with its name and op type.
enum GraphCompiler {
  static func compile(_ graph: Graph) throws(ModelError) -> CompiledGraph {
    var constants = graph.constants
    var shapes: [String: [Dim]] = [graph.input.name: graph.input.shape]
    var aliases: [String: String] = [:]
    var steps: [Step] = []
    var runtimeConstants: [String: ConstantTensor] = [:]
    var nodeOutputs: [(name: String, outputs: [String])] = []

    // Which tensors anything reads (to reject used outputs the engine does not produce).
    var used = Set(graph.outputs)
    for n in graph.nodes { used.formUnion(n.inputs) }

    func resolve(_ name: String) -> String {
      var n = name
      while let a = aliases[n] { n = a }
      return n
    }

    for node in graph.nodes {
      func fail(_ e: NodeError) -> ModelError {
        switch e.kind {
        case .unsupported:
          return .unsupportedNode(
            file: graph.file, node: node.name, opType: node.opType, reason: e.reason)
        case .invalid:
          return .invalidNode(
            file: graph.file, node: node.name, opType: node.opType, reason: e.reason)
        }
      }
      do {
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
          throw NodeError.unsupported("operator domain '\(node.domain)'")
        }
        guard let entry = OperatorTable.entry(node.opType) else {
          throw NodeError.unsupported(
            "unknown operator (the engine supports \(OperatorTable.supported.joined(separator: ", ")))"
          )
        }
        let inputs = node.inputs.map { $0.isEmpty ? "" : resolve($0) }
        let known = inputs.map { $0.isEmpty ? nil : constants[$0] }
        let present = inputs.enumerated().filter { !$0.element.isEmpty }.map(\.offset)
        var attributes = AttributeReader(node.attributes)

        // Pass-through: Identity, Dropout at inference.
        if case .passThrough = entry {
          guard let first = inputs.first, !first.isEmpty, let out = node.outputs.first else {
            throw NodeError.invalid("no input")
          }
          if node.opType == "Dropout" {
            attributes.ignore("seed")
            attributes.ignore("ratio")
            if node.outputs.count > 1, used.contains(node.outputs[1]) {
              throw NodeError.unsupported("the mask output")
            }
            if inputs.count > 2, !inputs[2].isEmpty {
              guard let t = known[2]?.ints, t.allSatisfy({ $0 == 0 }) else {
                throw NodeError.unsupported("training_mode must be a constant false")
              }
            }
          }
          try attributes.finish()
          aliases[out] = first
          if shapes[first] != nil { nodeOutputs.append((node.name, [out])) }
          continue
        }

        // Shape and Size of a runtime tensor are known at load (dims may depend on the batch).
        if node.opType == "Shape" || node.opType == "Size" {
          guard let x = inputs.first, let shape = shapes[x] ?? known[0].map({ $0.shape.dims })
          else {
            throw NodeError.invalid("input has no known shape")
          }
          let value: ConstantTensor
          if node.opType == "Shape" {
            let r = shape.count
            var start = try attributes.int("start", default: 0)
            var end = try attributes.int("end") ?? r
            if start < 0 { start += r }
            if end < 0 { end += r }
            start = min(max(start, 0), r)
            end = min(max(end, start), r)
            value = ConstantTensor(dims: Array(shape[start..<end]), shape: [end - start])
          } else {
            guard let size = shape.product else {
              throw NodeError.unsupported("size is not affine in the batch")
            }
            value = ConstantTensor(dims: [size], shape: [])
          }
          try attributes.finish()
          constants[node.outputs[0]] = value
          continue
        }

        // Everything known: fold.
        if present.allSatisfy({ known[$0] != nil }) {
          var outputs = try ConstantFolder.evaluate(node, inputs: known, attributes: &attributes)
          if outputs == nil, case .compute(let build) = entry {
            outputs = try evaluateFloat(
              node, build: build, inputs: inputs, known: known, attributes: attributes,
              opset: graph.opset)
            attributes = AttributeReader([:])
          }
          guard let outputs else {
            throw NodeError.unsupported("cannot be evaluated at load time")
          }
          try attributes.finish()
          for value in outputs
          where value.count > maximumTensorElements
            || value.shape.contains(where: { $0 < 0 || $0 > maximumTensorElements })
          {
            throw NodeError.invalid("a folded constant of shape \(value.shape) is too large")
          }
          for (name, value) in zip(node.outputs, outputs) where !name.isEmpty {
            constants[name] = value
          }
          continue
        }

        // A runtime Cast: float to float is the identity; anything else is not supported.
        if node.opType == "Cast" {
          guard let to = try attributes.int("to"), try ElementType(onnx: to).isFloatingPoint else {
            throw NodeError.unsupported("casting an activation to a non-float type")
          }
          attributes.ignore("saturate")
          try attributes.finish()
          aliases[node.outputs[0]] = inputs[0]
          nodeOutputs.append((node.name, [node.outputs[0]]))
          continue
        }
        guard case .compute(let build) = entry else {
          throw NodeError.unsupported(
            "needs inputs known at load time (it only folds shape arithmetic)")
        }

        var context = NodeContext(
          name: node.name, opType: node.opType, opset: graph.opset, attributes: attributes,
          inputNames: inputs, constants: known,
          shapes: inputs.map {
            $0.isEmpty ? nil : (shapes[$0] ?? constants[$0].map { $0.shape.dims })
          },
          outputCount: node.outputs.count)
        let built = try build(&context)
        try context.attributes.finish()
        var runtimeInputs: [String] = []
        var runtimeShapes: [[Dim]] = []
        for i in built.runtimeInputs {
          let name = inputs[i]
          if let c = known[i] {
            guard c.floats != nil else {
              throw NodeError.unsupported("integer input '\(name)' at run time")
            }
            runtimeConstants[name] = c
            runtimeShapes.append(c.shape.dims)
          } else if let s = shapes[name] {
            runtimeShapes.append(s)
          } else {
            throw NodeError.invalid("input '\(name)' has no shape")
          }
          runtimeInputs.append(name)
        }
        let outShapes = try built.op.outputShapes(runtimeShapes)
        guard outShapes.count == node.outputs.count else {
          throw NodeError.unsupported(
            "\(node.outputs.count) outputs (the engine computes \(outShapes.count))")
        }
        for (name, s) in zip(node.outputs, outShapes) where !name.isEmpty {
          try checkSize(s)
          shapes[name] = s
        }
        steps.append(
          Step(
            name: node.name, opType: node.opType, op: built.op, inputs: runtimeInputs,
            outputs: node.outputs))
        nodeOutputs.append((node.name, node.outputs))
      } catch let e as NodeError {
        throw fail(e)
      } catch let e as ModelError {
        throw e
      } catch {
        throw .invalidNode(
          file: graph.file, node: node.name, opType: node.opType, reason: "\(error)")
      }
    }

    let outputs = graph.outputs.map(resolve)
    for o in outputs where shapes[o] == nil {
      throw .unsupported(file: graph.file, reason: "graph output '\(o)' is a constant")
    }
    return CompiledGraph(
      file: graph.file, steps: steps, shapes: shapes, constants: runtimeConstants,
      input: graph.input,
      outputs: outputs, metadata: graph.metadata, aliases: aliases, folded: [:],
      nodeOutputs: nodeOutputs,
      fileNodeCount: graph.nodes.count)
  }

  /// Folds a float node by building its operator and running its forward on the constants.
  private static func evaluateFloat(
    _ node: GraphNode, build: OperatorTable.Builder, inputs: [String], known: [ConstantTensor?],
    attributes: AttributeReader, opset: Int
  ) throws(NodeError) -> [ConstantTensor] {
    var context = NodeContext(
      name: node.name, opType: node.opType, opset: opset, attributes: attributes,
      inputNames: inputs,
      constants: known, shapes: known.map { $0.map { $0.shape.dims } },
      outputCount: node.outputs.count)
    let built = try build(&context)
    try context.attributes.finish()
    var tensors: [Tensor] = []
    for i in built.runtimeInputs {
      guard let c = known[i], let t = c.tensor else {
        throw NodeError.unsupported("integer arithmetic the engine does not fold")
      }
      tensors.append(t)
    }
    _ = try built.op.outputShapes(tensors.map { $0.shape.dims })
    return built.op.forward(tensors).map { ConstantTensor($0) }
  }

  /// Rejects shapes with negative dimensions or more than ``maximumTensorElements`` elements
  /// per batch item (a damaged file must fail to load, not allocate without bound).
  static func checkSize(_ shape: [Dim]) throws(NodeError) {
    var n = 1
    for d in shape {
      let v = d.isSymbolic ? d.resolved(batch: 1) : d.offset
      guard v >= 0, d.perBatch >= 0 else { throw .invalid("shape \(shape.shapeDescription)") }
      let (p, overflow) = n.multipliedReportingOverflow(by: v)
      guard !overflow, p <= maximumTensorElements else {
        throw .invalid("shape \(shape.shapeDescription) is too large")
      }
      n = p
    }
  }
}
