/// One decoded ONNX attribute value.
enum AttributeValue: Sendable, Equatable {
  case int(Int)
  case float(Float)
  case string(String)
  case ints([Int])
  case floats([Float])
  case strings([String])
  case tensor(ConstantTensor)
  /// Graphs, sparse tensors and type protos: decoded only far enough to be reported.
  case unsupported(kind: String)
}

/// The attributes of one node, read by an operator's builder.
///
/// Every attribute must be read: ``finish()`` throws for any the builder did not ask about, so an
/// attribute the engine does not understand fails at load instead of being silently ignored.
struct AttributeReader {
  private let values: [String: AttributeValue]
  private var read: Set<String> = []

  init(_ values: [String: AttributeValue]) {
    self.values = values
  }

  var names: [String] { values.keys.sorted() }

  func has(_ name: String) -> Bool { values[name] != nil }

  /// Integer attributes (axes, sizes, pads…) are limited to ±2³¹.
  ///
  /// Larger ones only come from damaged files; refusing them keeps every shape computation far
  /// from overflow. `value_*` (Constant) is exempt.
  static let integerLimit = 1 << 31

  private func checked(_ name: String, _ v: Int) throws(NodeError) -> Int {
    guard name.hasPrefix("value") || (v > -Self.integerLimit && v < Self.integerLimit) else {
      throw .invalid("attribute '\(name)' = \(v) is out of range")
    }
    return v
  }

  mutating func int(_ name: String) throws(NodeError) -> Int? {
    read.insert(name)
    switch values[name] {
    case nil: return nil
    case .int(let v): return try checked(name, v)
    case let other?: throw .invalid("attribute '\(name)' is \(other.kind), expected an int")
    }
  }

  mutating func int(_ name: String, default d: Int) throws(NodeError) -> Int {
    try int(name) ?? d
  }

  mutating func float(_ name: String) throws(NodeError) -> Float? {
    read.insert(name)
    switch values[name] {
    case nil: return nil
    case .float(let v): return v
    case .int(let v): return Float(v)
    case let other?: throw .invalid("attribute '\(name)' is \(other.kind), expected a float")
    }
  }

  mutating func float(_ name: String, default d: Float) throws(NodeError) -> Float {
    try float(name) ?? d
  }

  mutating func string(_ name: String) throws(NodeError) -> String? {
    read.insert(name)
    switch values[name] {
    case nil: return nil
    case .string(let v): return v
    case let other?: throw .invalid("attribute '\(name)' is \(other.kind), expected a string")
    }
  }

  mutating func ints(_ name: String) throws(NodeError) -> [Int]? {
    read.insert(name)
    switch values[name] {
    case nil: return nil
    case .ints(let v):
      for x in v { _ = try checked(name, x) }
      return v
    case .int(let v): return [try checked(name, v)]
    case let other?: throw .invalid("attribute '\(name)' is \(other.kind), expected ints")
    }
  }

  mutating func floats(_ name: String) throws(NodeError) -> [Float]? {
    read.insert(name)
    switch values[name] {
    case nil: return nil
    case .floats(let v): return v
    case .float(let v): return [v]
    case let other?: throw .invalid("attribute '\(name)' is \(other.kind), expected floats")
    }
  }

  mutating func tensor(_ name: String) throws(NodeError) -> ConstantTensor? {
    read.insert(name)
    switch values[name] {
    case nil: return nil
    case .tensor(let t): return t
    case let other?: throw .invalid("attribute '\(name)' is \(other.kind), expected a tensor")
    }
  }

  /// Marks an attribute as understood without reading it.
  ///
  /// For example BatchNormalization's momentum, which only matters when training.
  mutating func ignore(_ name: String) {
    read.insert(name)
  }

  /// Throws for the first attribute nobody read.
  func finish() throws(NodeError) {
    if let name = values.keys.sorted().first(where: { !read.contains($0) }) {
      throw .unsupported("attribute '\(name)'")
    }
  }
}

extension AttributeValue {
  var kind: String {
    switch self {
    case .int: return "an int"
    case .float: return "a float"
    case .string: return "a string"
    case .ints: return "ints"
    case .floats: return "floats"
    case .strings: return "strings"
    case .tensor: return "a tensor"
    case .unsupported(let kind): return kind
    }
  }
}
