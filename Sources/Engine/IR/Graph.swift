/// One node of an imported graph, before it is compiled into an ``Operator``.
struct GraphNode: Sendable {
  /// The node's name (or a name made from its first output when the file has none).
  var name: String
  var opType: String
  var domain: String
  /// Input tensor names; "" marks an omitted optional input.
  var inputs: [String]
  var outputs: [String]
  var attributes: [String: AttributeValue]
}

/// The graph input the engine feeds: a float tensor, batch first.
struct GraphInput: Sendable {
  var name: String
  var shape: [Dim]
}

/// An imported ONNX graph: nodes in topological order, constants by name, one input, outputs.
struct Graph: Sendable {
  /// The file it came from, for messages.
  var file: String
  var opset: Int
  var nodes: [GraphNode]
  var constants: [String: ConstantTensor]
  var input: GraphInput
  var outputs: [String]
  var metadata: [String: String]
}
