/// One tensor of the compiled graph as `camvideo layers` shows it.
public struct TensorInfo: Sendable, Equatable {
  /// The tensor's name (what `--layer` takes).
  public var name: String
  /// The node that produces it ("" for the graph input).
  public var node: String
  /// Its op type ("Input" for the graph input).
  public var opType: String
  /// Its shape; the batch dimension prints as `N`.
  public var shape: [Dim]
}

extension Model {
  /// The graph input and every tensor an operator computes, in execution order.
  public var tensors: [TensorInfo] {
    var out = [TensorInfo(name: inputName, node: "", opType: "Input", shape: inputShape)]
    for s in plan.steps {
      for o in s.outputs where o >= 0 {
        out.append(
          TensorInfo(name: plan.names[o], node: s.name, opType: s.opType, shape: plan.shapes[o]))
      }
    }
    return out
  }

  /// The tensor a name refers to, tried in this order: an exact tensor name; a tensor removed
  /// at load (an alias is followed, a folded one is an error naming its replacement); a
  /// `camvideo.layer_aliases` entry of the metadata; a node name (its first output); a PyTorch
  /// module path such as `features.18` or `layer4.1` (the last node in its `/features/features.18/`
  /// scope); a unique prefix of a tensor name.
  ///
  /// - Throws: ``EngineError/unknownTensor(name:candidates:)`` or
  ///   ``EngineError/foldedTensor(name:into:)``.
  public func resolveTensor(_ query: String) throws(EngineError) -> String {
    try resolve(query, depth: 0)
  }

  private func resolve(_ query: String, depth: Int) throws(EngineError) -> String {
    guard depth < 8 else { throw .unknownTensor(name: query, candidates: []) }
    if plan.index[query] != nil { return query }
    if let a = graph.aliases[query] { return try resolve(a, depth: depth + 1) }
    if var into = graph.folded[query] {
      // Follow chains (a Conv output folded into its BatchNormalization, folded into its ReLU6).
      var hops = 0
      while plan.index[into] == nil, let next = graph.folded[into] ?? graph.aliases[into], hops < 16
      {
        into = next
        hops += 1
      }
      throw .foldedTensor(name: query, into: into)
    }
    if let target = layerAliases[query] { return try resolve(target, depth: depth + 1) }
    if let node = graph.nodeOutputs.last(where: { $0.name == query }),
      let first = node.outputs.first
    {
      return try resolve(first, depth: depth + 1)
    }
    // A PyTorch module path, found in the scopes of torch.onnx node names.
    if let node = graph.nodeOutputs.last(where: { Model.node($0.name, isInModule: query) }),
      let first = node.outputs.first
    {
      return try resolve(first, depth: depth + 1)
    }
    let names = tensors.map(\.name)
    let matches = names.filter { $0.hasPrefix(query) }
    if matches.count == 1, let only = matches.first { return only }
    if matches.count > 1 { throw .unknownTensor(name: query, candidates: matches) }
    let close = names.filter { $0.localizedLowercase.contains(query.localizedLowercase) }
    throw .unknownTensor(name: query, candidates: close)
  }

  /// Whether a torch.onnx node name (`/features/features.18/features.18.2/Clip`,
  /// `/_blocks.1/_depthwise_conv/Conv`) lies in the scope of a module path (`features.18`,
  /// `_blocks.1._depthwise_conv`): one scope component, or consecutive ones joined by dots, spell
  /// the path.
  ///
  /// The last component (the node itself) does not count.
  static func node(_ name: String, isInModule module: String) -> Bool {
    guard name.hasPrefix("/"), !module.isEmpty else { return false }
    let scopes = name.split(separator: "/").dropLast().map(String.init)
    for start in scopes.indices {
      var joined = ""
      for part in scopes[start...] {
        joined = joined.isEmpty ? part : joined + "." + part
        if joined == module { return true }
        if joined.count >= module.count { break }
      }
    }
    return false
  }

  /// `camvideo.layer_aliases`: one `module=tensor` per line.
  var layerAliases: [String: String] {
    var out: [String: String] = [:]
    for line in (metadata["camvideo.layer_aliases"] ?? "").split(whereSeparator: \.isNewline) {
      let kv = line.split(separator: "=", maxSplits: 1)
      if kv.count == 2 { out[String(kv[0]).trimmed] = String(kv[1]).trimmed }
    }
    return out
  }

  static func findDefaultLayer(graph: CompiledGraph, plan: ExecutionPlan) -> String? {
    func spatial(_ id: Int) -> Bool {
      let s = plan.shapes[id]
      guard s.count == 4, let h = s[2].value, let w = s[3].value else { return false }
      return h * w > 1
    }
    // What the metadata names, when it is a tensor of the graph.
    if let named = graph.metadata["camvideo.default_layer"], plan.index[named] != nil {
      return named
    }
    // The input of the last global pooling (GlobalAveragePool, or a mean/average over H and W).
    for s in plan.steps.reversed() {
      let pools: Bool
      switch s.op {
      case is GlobalAveragePool: pools = true
      case let r as ReduceMean: pools = r.axes == [2, 3]
      default: pools = false
      }
      if pools, let x = s.inputs.first, spatial(x) { return plan.names[x] }
    }
    // Else the last 4-D activation with spatial size > 1.
    for s in plan.steps.reversed() {
      if let o = s.outputs.first(where: { $0 >= 0 && spatial($0) }) { return plan.names[o] }
    }
    return nil
  }

  // MARK: Preprocessing metadata

  /// Class names from `camvideo.labels` (one per line), if the file carries them.
  public var labels: [String]? {
    guard let text = metadata["camvideo.labels"], !text.isEmpty else { return nil }
    return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  /// Per-channel mean from `camvideo.mean` (applied to RGB scaled to [0, 1]).
  public var mean: [Float]? { Model.floats(metadata["camvideo.mean"]) }

  /// Per-channel standard deviation from `camvideo.std`.
  public var std: [Float]? { Model.floats(metadata["camvideo.std"]) }

  /// The input size: `camvideo.input_size` (`WxH`), else the input's last two dimensions.
  public var inputSize: (width: Int, height: Int)? {
    if let text = metadata["camvideo.input_size"] {
      let p = text.lowercased().split(separator: "x").compactMap { Int($0.trimmed) }
      if p.count == 2, p[0] > 0, p[1] > 0 { return (p[0], p[1]) }
    }
    let s = inputShape
    guard s.count == 4, let h = s[2].value, let w = s[3].value else { return nil }
    return (w, h)
  }

  private static func floats(_ text: String?) -> [Float]? {
    guard let text else { return nil }
    let v = text.split(separator: ",").compactMap { Float($0.trimmed) }
    return v.isEmpty ? nil : v
  }
}

extension StringProtocol {
  fileprivate var trimmed: String {
    var s = Substring(self)
    while s.first?.isWhitespace == true { s = s.dropFirst() }
    while s.last?.isWhitespace == true { s = s.dropLast() }
    return String(s)
  }
}
