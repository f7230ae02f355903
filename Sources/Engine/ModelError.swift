/// Why a model file could not be loaded.
///
/// Every case names the file; node problems also name the node and its ONNX op type.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file (or an external data file next to it) could not be read.
  case unreadable(file: String, reason: String)
  /// The bytes are not a well-formed ONNX model (truncated, garbage, inconsistent tensors).
  case malformed(file: String, reason: String)
  /// A well-formed model that uses something the engine does not support (opset, input kind).
  case unsupported(file: String, reason: String)
  /// A node the engine cannot run: unknown op type, attribute, or data type.
  case unsupportedNode(file: String, node: String, opType: String, reason: String)
  /// A node whose attributes or input shapes are inconsistent.
  case invalidNode(file: String, node: String, opType: String, reason: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): return "cannot read model \(file): \(reason)"
    case .malformed(let file, let reason): return "malformed ONNX model \(file): \(reason)"
    case .unsupported(let file, let reason): return "unsupported ONNX model \(file): \(reason)"
    case .unsupportedNode(let file, let node, let opType, let reason):
      return "\(file): node '\(node)' (\(opType)): unsupported: \(reason)"
    case .invalidNode(let file, let node, let opType, let reason):
      return "\(file): node '\(node)' (\(opType)): invalid: \(reason)"
    }
  }
}

/// Misuse of a loaded model: wrong input shape, unknown tensor name, bad seed.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The batch does not have the model's input shape.
  case inputShape(expected: String, got: [Int])
  /// No tensor matches the name; `candidates` lists close or ambiguous matches.
  case unknownTensor(name: String, candidates: [String])
  /// The tensor existed in the file but was folded away at load (e.g. a Conv output whose
  /// BatchNormalization was folded into the Conv); `into` is the tensor that replaces it.
  case foldedTensor(name: String, into: String)
  /// The seeds do not match the outputs (one per output, each of the output's shape).
  case invalidSeed(reason: String)
  /// Backward needs the activations, but the forward pass was run without keeping them.
  case activationsNotKept(name: String)

  public var description: String {
    switch self {
    case .inputShape(let expected, let got):
      return
        "input of shape \(got.map(String.init).joined(separator: "×")) does not match the model's \(expected)"
    case .unknownTensor(let name, let candidates):
      return candidates.isEmpty
        ? "no tensor named '\(name)' in the model (see `camvideo layers`)"
        : "'\(name)' does not name one tensor; candidates: \(candidates.prefix(8).joined(separator: ", "))"
    case .foldedTensor(let name, let into):
      return "tensor '\(name)' was folded into '\(into)' when the model was loaded; use '\(into)'"
    case .invalidSeed(let reason): return "invalid backward seed: \(reason)"
    case .activationsNotKept(let name):
      return "activation '\(name)' was not kept by the forward pass"
    }
  }
}

/// A problem found while building or checking one node; the graph compiler adds the file, node
/// name and op type and turns it into a ``ModelError``.
struct NodeError: Error {
  enum Kind { case unsupported, invalid }
  var kind: Kind
  var reason: String

  static func unsupported(_ reason: String) -> NodeError {
    NodeError(kind: .unsupported, reason: reason)
  }
  static func invalid(_ reason: String) -> NodeError { NodeError(kind: .invalid, reason: reason) }
}
