/// ONNX `Reshape`: the same elements under the shape given by the constant second input, where
/// `0` copies the input's dimension (unless `allowzero = 1`) and `-1` is inferred.
///
/// Shapes: `x` any, `shape` a 1-D constant (it may depend on the batch size after folding
/// `Shape` arithmetic), `y` of that shape. Attributes: `allowzero` (0).
/// Backward: `dx = reshape(dy, shape(x))`.
struct Reshape: UnaryOperator {
  /// How each output dimension is found at run time.
  enum Target: Equatable, Sendable {
    case known(Int)
    case copy(Int)
    case inferred
  }

  var target: [Target]

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(2...2)
    let allowZero = try node.attributes.int("allowzero", default: 0) != 0
    let x = try node.shape(0)
    let c = try node.constant(1, "shape")
    guard let spec = c.dims, c.shape.count == 1 else {
      throw .invalid("shape must be a 1-D integer tensor")
    }
    // Resolve 0 and -1 symbolically, then choose run-time rules for what depends on the batch.
    var out: [Dim] = []
    var inferAt: Int?
    for (i, d) in spec.enumerated() {
      if d == Dim(0) && !allowZero {
        guard i < x.count else { throw .invalid("0 at \(i) copies a dimension the input lacks") }
        out.append(x[i])
      } else if d == Dim(-1) {
        guard inferAt == nil else { throw .invalid("more than one -1 in \(spec)") }
        inferAt = i
        out.append(Dim(1))
      } else {
        guard d.isSymbolic || d.offset >= 0 else { throw .invalid("dimension \(d) in \(spec)") }
        out.append(d)
      }
    }
    if let at = inferAt {
      guard let total = x.product, let rest = out.product, let inferred = total / rest else {
        throw .unsupported("cannot infer -1 in \(spec) from \(x.shapeDescription)")
      }
      out[at] = inferred
    }
    guard let a = x.product, let b = out.product, a == b else {
      throw .invalid("cannot reshape \(x.shapeDescription) to \(out.shapeDescription)")
    }
    var target: [Target] = []
    var symbolic = 0
    for (i, d) in out.enumerated() {
      if let v = d.value {
        target.append(.known(v))
      } else if i < x.count && x[i] == d {
        target.append(.copy(i))
      } else {
        target.append(.inferred)
        symbolic += 1
      }
    }
    guard symbolic <= 1 else {
      throw .unsupported("reshape to \(out.shapeDescription): several batch-dependent dimensions")
    }
    return BuiltOperator(op: Reshape(target: target, inferredShape: out), runtimeInputs: [0])
  }

  /// The output shape found at load time (for shape inference).
  var inferredShape: [Dim]

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] { inferredShape }

  func shape(for input: [Int]) -> [Int] {
    var out: [Int] = []
    var inferAt: Int?
    for t in target {
      switch t {
      case .known(let v): out.append(v)
      case .copy(let i): out.append(input[i])
      case .inferred:
        inferAt = out.count
        out.append(1)
      }
    }
    if let at = inferAt {
      let rest = out.reduce(1, *)
      out[at] = rest == 0 ? 0 : input.reduce(1, *) / rest
    }
    return out
  }

  func forward(_ x: Tensor) -> Tensor { x.reshaped(shape(for: x.shape)) }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor { dy.reshaped(x.shape) }
}
