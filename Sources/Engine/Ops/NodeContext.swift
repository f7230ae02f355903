/// What an operator's builder knows about its node when the model loads: attributes, which
/// inputs are constants (and their values), and the shapes of all inputs.
struct NodeContext {
  var name: String
  var opType: String
  var opset: Int
  var attributes: AttributeReader
  var inputNames: [String]
  /// The value of each input known at load time, nil for runtime inputs (and omitted ones).
  var constants: [ConstantTensor?]
  /// The shape of each input, nil for omitted optional inputs.
  var shapes: [[Dim]?]
  var outputCount: Int

  var inputCount: Int { inputNames.count }

  /// Whether input `i` is given (optional inputs may be omitted or "").
  func has(_ i: Int) -> Bool { i < inputNames.count && !inputNames[i].isEmpty }

  /// The shape of input `i`.
  func shape(_ i: Int) throws(NodeError) -> [Dim] {
    guard has(i), let s = shapes[i] else { throw .invalid("input \(i) is missing") }
    return s
  }

  /// Input `i`, which must be known at load time.
  func constant(_ i: Int, _ what: String) throws(NodeError) -> ConstantTensor {
    guard has(i) else { throw .invalid("the \(what) input is missing") }
    guard let c = constants[i] else {
      throw .unsupported(
        "the \(what) ('\(inputNames[i])') must be a constant (an initializer or foldable)")
    }
    return c
  }

  /// Input `i` when given (then it must be a constant).
  func optionalConstant(_ i: Int, _ what: String) throws(NodeError) -> ConstantTensor? {
    has(i) ? try constant(i, what) : nil
  }

  /// A float constant input as a tensor.
  func floatConstant(_ i: Int, _ what: String) throws(NodeError) -> Tensor {
    let c = try constant(i, what)
    guard let f = c.floats else { throw .unsupported("the \(what) depends on the batch size") }
    return Tensor(shape: c.shape, data: f)
  }

  /// An integer constant input (axes, pads, shapes…), known numbers only.
  func intsConstant(_ i: Int, _ what: String) throws(NodeError) -> [Int] {
    let c = try constant(i, what)
    switch c.elements {
    case .int(let d):
      guard let v = d.values else { throw .unsupported("the \(what) depends on the batch size") }
      return v
    case .float:
      throw .invalid("the \(what) is \(c.type), expected integers")
    }
  }

  /// Requires exactly these many runtime inputs before optional ones.
  func requireInputs(_ range: ClosedRange<Int>) throws(NodeError) {
    guard range.contains(inputCount) else {
      throw .invalid("\(inputCount) inputs, expected \(range.lowerBound)…\(range.upperBound)")
    }
  }
}

/// Normalises a possibly negative axis for a tensor of `rank` dimensions.
func normalizedAxis(_ axis: Int, rank: Int) throws(NodeError) -> Int {
  let a = axis < 0 ? axis + rank : axis
  guard a >= 0 && a < rank else {
    throw .invalid("axis \(axis) out of range for rank \(rank)")
  }
  return a
}
