/// One operator in a compiled graph, with the tensors it reads and writes.
struct Step: Sendable {
  /// The node's name in the file (after folding, the name of the node that survived).
  var name: String
  var opType: String
  var op: any Operator
  var inputs: [String]
  var outputs: [String]
}

/// A graph after import, constant folding and shape inference: operators in execution order over
/// named tensors.
///
/// The load-time passes (BatchNormalization and Pad into Conv, dead code) rewrite it before it
/// becomes an ``ExecutionPlan``.
struct CompiledGraph: Sendable {
  var file: String
  var steps: [Step]
  /// Shapes of every runtime tensor (and of constants read at run time).
  var shapes: [String: [Dim]]
  /// Constants read by steps at run time (float).
  var constants: [String: ConstantTensor]
  var input: GraphInput
  var outputs: [String]
  var metadata: [String: String]
  /// Tensors removed because they equal another (Identity, Dropout, float→float Cast).
  var aliases: [String: String]
  /// Tensors removed by a pass, and the tensor that now carries their information.
  var folded: [String: String]
  /// Each runtime node of the file (in file order) and its outputs, for resolving node names.
  var nodeOutputs: [(name: String, outputs: [String])]
  /// The number of nodes in the file.
  var fileNodeCount: Int

  /// Steps reading each tensor.
  func consumers() -> [String: [Int]] {
    var c: [String: [Int]] = [:]
    for (i, s) in steps.enumerated() {
      for name in s.inputs { c[name, default: []].append(i) }
    }
    return c
  }

  /// The step producing each tensor.
  func producers() -> [String: Int] {
    var p: [String: Int] = [:]
    for (i, s) in steps.enumerated() {
      for name in s.outputs { p[name] = i }
    }
    return p
  }
}
