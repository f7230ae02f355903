import Foundation
import SwiftProtobuf

/// Reads an ONNX `ModelProto` file into a ``Graph``: opset check (default domain 11–21),
/// initializers (inline or external), `Constant` nodes kept as nodes (folded later), the single
/// float input with its possibly dynamic batch dimension, outputs and `metadata_props`.
///
/// Every problem is a ``ModelError`` naming the file; nothing here can crash on bad bytes.
enum ONNXImporter {
  /// The default-domain opsets the engine implements.
  static let supportedOpsets = 11...21

  static func load(contentsOf url: URL) throws(ModelError) -> Graph {
    let file = url.path
    let data: Data
    do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
      throw .unreadable(file: file, reason: (error as NSError).localizedDescription)
    }
    return try parse(data, url: url)
  }

  /// Parses serialized ModelProto bytes; `url` names the file and locates external data.
  static func parse(_ data: Data, url: URL) throws(ModelError) -> Graph {
    let file = url.path
    guard !data.isEmpty else { throw .malformed(file: file, reason: "the file is empty") }
    let model: Onnx_ModelProto
    do {
      var options = BinaryDecodingOptions()
      options.messageDepthLimit = 64
      model = try Onnx_ModelProto(serializedBytes: data, options: options)
    } catch {
      throw .malformed(file: file, reason: "not a protobuf ModelProto (\(error))")
    }
    guard model.hasGraph, model.hasIrVersion else {
      throw .malformed(
        file: file, reason: "no graph or IR version: not an ONNX model (or truncated)")
    }
    var opset: Int?
    for o in model.opsetImport where o.domain.isEmpty || o.domain == "ai.onnx" {
      opset = Int(o.version)
    }
    guard let opset else {
      throw .unsupported(file: file, reason: "no default-domain opset import")
    }
    guard supportedOpsets.contains(opset) else {
      throw .unsupported(
        file: file,
        reason:
          "opset \(opset); supported: \(supportedOpsets.lowerBound)–\(supportedOpsets.upperBound)")
    }

    let g = model.graph
    let decoder = TensorDecoder(modelURL: url)
    func decode(_ t: Onnx_TensorProto) throws(ModelError) -> ConstantTensor {
      do { return try decoder.decode(t) } catch {
        switch error {
        case .malformed(let r): throw .malformed(file: file, reason: r)
        case .unsupported(let r): throw .unsupported(file: file, reason: r)
        case .unreadable(let r): throw .unreadable(file: file, reason: r)
        }
      }
    }

    var constants: [String: ConstantTensor] = [:]
    for t in g.initializer {
      guard !t.name.isEmpty else {
        throw .malformed(file: file, reason: "an initializer has no name")
      }
      constants[t.name] = try decode(t)
    }
    if !g.sparseInitializer.isEmpty {
      throw .unsupported(file: file, reason: "sparse initializers")
    }

    // Graph inputs that are not initializers: exactly one, float, batch first.
    let runtimeInputs = g.input.filter { constants[$0.name] == nil }
    guard runtimeInputs.count == 1, let inputInfo = runtimeInputs.first else {
      throw .unsupported(
        file: file,
        reason:
          "\(runtimeInputs.count) graph inputs (\(runtimeInputs.map(\.name).joined(separator: ", "))); the engine runs models with one image input"
      )
    }
    let input = try graphInput(inputInfo, file: file)

    var nodes: [GraphNode] = []
    nodes.reserveCapacity(g.node.count)
    for (i, n) in g.node.enumerated() {
      let name =
        n.name.isEmpty
        ? (n.output.first.map { "\(n.opType)->\($0)" } ?? "\(n.opType)#\(i)") : n.name
      var attributes: [String: AttributeValue] = [:]
      for a in n.attribute {
        do { attributes[a.name] = try attributeValue(a, decoder: decoder) } catch {
          throw .unsupportedNode(
            file: file, node: name, opType: n.opType, reason: "attribute '\(a.name)': \(error)")
        }
      }
      nodes.append(
        GraphNode(
          name: name, opType: n.opType, domain: n.domain, inputs: n.input, outputs: n.output,
          attributes: attributes))
    }
    let outputs = g.output.map(\.name)
    guard !outputs.isEmpty else { throw .malformed(file: file, reason: "the graph has no outputs") }

    var metadata: [String: String] = [:]
    for p in model.metadataProps { metadata[p.key] = p.value }

    let sorted = try topologicalOrder(
      nodes, available: Set(constants.keys).union([input.name]), file: file)
    for o in outputs
    where !sorted.contains(where: { $0.outputs.contains(o) }) && o != input.name
      && constants[o] == nil
    {
      throw .malformed(file: file, reason: "graph output '\(o)' is produced by no node")
    }
    return Graph(
      file: file, opset: opset, nodes: sorted, constants: constants, input: input, outputs: outputs,
      metadata: metadata)
  }

  private static func graphInput(_ info: Onnx_ValueInfoProto, file: String) throws(ModelError)
    -> GraphInput
  {
    guard case .tensorType(let t)? = info.type.value else {
      throw .unsupported(file: file, reason: "graph input '\(info.name)' is not a tensor")
    }
    guard t.elemType == Int32(ElementType.float.rawValue) else {
      throw .unsupported(
        file: file,
        reason:
          "graph input '\(info.name)' is \(ElementType.onnxName(Int(t.elemType))), expected FLOAT")
    }
    guard t.hasShape else {
      throw .unsupported(file: file, reason: "graph input '\(info.name)' has no shape")
    }
    var shape: [Dim] = []
    for (axis, d) in t.shape.dim.enumerated() {
      if case .dimValue(let v)? = d.value, v > 0 {
        guard v <= Int64(maximumTensorElements) else {
          throw .unsupported(file: file, reason: "graph input '\(info.name)' has dimension \(v)")
        }
        shape.append(Dim(Int(v)))
      } else if axis == 0 {
        shape.append(.batch)
      } else {
        throw .unsupported(
          file: file,
          reason:
            "graph input '\(info.name)' has a dynamic dimension \(axis); only the batch (first) dimension may be dynamic"
        )
      }
    }
    guard !shape.isEmpty else {
      throw .unsupported(file: file, reason: "graph input '\(info.name)' is a scalar")
    }
    do { try GraphCompiler.checkSize(shape) } catch {
      throw .unsupported(file: file, reason: "graph input '\(info.name)': \(error.reason)")
    }
    return GraphInput(name: info.name, shape: shape)
  }

  private static func attributeValue(
    _ a: Onnx_AttributeProto, decoder: TensorDecoder
  ) throws -> AttributeValue {
    switch a.type {
    case .int: return .int(Int(a.i))
    case .float: return .float(a.f)
    case .string: return .string(String(decoding: a.s, as: UTF8.self))
    case .ints: return .ints(a.ints.map { Int($0) })
    case .floats: return .floats(a.floats)
    case .strings: return .strings(a.strings.map { String(decoding: $0, as: UTF8.self) })
    case .tensor: return .tensor(try decoder.decode(a.t))
    case .graph, .graphs: return .unsupported(kind: "a graph")
    case .sparseTensor, .sparseTensors: return .unsupported(kind: "a sparse tensor")
    case .typeProto, .typeProtos: return .unsupported(kind: "a type")
    case .tensors: return .unsupported(kind: "tensors")
    case .undefined:
      // Files written before the type field existed: infer from what is set.
      if a.hasI { return .int(Int(a.i)) }
      if a.hasF { return .float(a.f) }
      if a.hasS { return .string(String(decoding: a.s, as: UTF8.self)) }
      if !a.ints.isEmpty { return .ints(a.ints.map { Int($0) }) }
      if !a.floats.isEmpty { return .floats(a.floats) }
      if a.hasT { return .tensor(try decoder.decode(a.t)) }
      return .unsupported(kind: "an attribute of undefined type")
    }
  }

  /// Kahn's algorithm, stable (keeps file order among ready nodes).
  ///
  /// Throws when an input is produced by nothing or the graph has a cycle.
  static func topologicalOrder(
    _ nodes: [GraphNode], available: Set<String>, file: String
  ) throws(ModelError) -> [GraphNode] {
    var producer: [String: Int] = [:]
    for (i, n) in nodes.enumerated() {
      for o in n.outputs where !o.isEmpty {
        if producer[o] != nil || available.contains(o) {
          throw .malformed(file: file, reason: "tensor '\(o)' is produced twice (node '\(n.name)')")
        }
        producer[o] = i
      }
    }
    // Most files are already in order: keep theirs.
    var seen = available
    var inOrder = true
    for n in nodes {
      if n.inputs.contains(where: { !$0.isEmpty && !seen.contains($0) }) {
        inOrder = false
        break
      }
      seen.formUnion(n.outputs)
    }
    if inOrder { return nodes }
    var pending = [Int](repeating: 0, count: nodes.count)
    var consumers = [[Int]](repeating: [], count: nodes.count)
    for (i, n) in nodes.enumerated() {
      for name in n.inputs where !name.isEmpty && !available.contains(name) {
        guard let p = producer[name] else {
          throw .malformed(
            file: file,
            reason: "node '\(n.name)' (\(n.opType)) reads '\(name)', which nothing produces")
        }
        pending[i] += 1
        consumers[p].append(i)
      }
    }
    var ready = (0..<nodes.count).filter { pending[$0] == 0 }
    var order: [GraphNode] = []
    order.reserveCapacity(nodes.count)
    var head = 0
    while head < ready.count {
      let i = ready[head]
      head += 1
      order.append(nodes[i])
      for c in consumers[i] {
        pending[c] -= 1
        if pending[c] == 0 { ready.append(c) }
      }
    }
    guard order.count == nodes.count else {
      throw .malformed(file: file, reason: "the graph has a cycle")
    }
    return order
  }
}
