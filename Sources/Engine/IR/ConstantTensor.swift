/// A tensor whose value is known when the model loads: an initializer, a `Constant` node, or the
/// result of folding.
///
/// Integer elements may depend on the batch size (``Dim``), which is how `Shape` of an activation
/// with a dynamic batch folds.
struct ConstantTensor: Sendable, Equatable {
  enum Elements: Sendable, Equatable {
    case float([Float])
    case int([Dim])
  }

  var type: ElementType
  var shape: [Int]
  var elements: Elements

  init(type: ElementType, shape: [Int], elements: Elements) {
    self.type = type
    self.shape = shape
    self.elements = elements
  }

  init(floats: [Float], shape: [Int]) {
    self.init(type: .float, shape: shape, elements: .float(floats))
  }

  init(ints: [Int], shape: [Int], type: ElementType = .int64) {
    self.init(type: type, shape: shape, elements: .int(ints.map { Dim($0) }))
  }

  init(dims: [Dim], shape: [Int], type: ElementType = .int64) {
    self.init(type: type, shape: shape, elements: .int(dims))
  }

  init(_ tensor: Tensor) {
    self.init(floats: tensor.data, shape: tensor.shape)
  }

  var count: Int { shape.checkedProduct ?? Int.max }

  /// The float tensor, for float constants.
  var tensor: Tensor? {
    guard case .float(let v) = elements else { return nil }
    return Tensor(shape: shape, data: v)
  }

  /// Float elements, converting integers that do not depend on the batch size.
  var floats: [Float]? {
    switch elements {
    case .float(let v): return v
    case .int(let d): return d.values.map { $0.map { Float($0) } }
    }
  }

  /// Integer elements that may depend on the batch size.
  var dims: [Dim]? {
    guard case .int(let d) = elements else { return nil }
    return d
  }

  /// Known integer elements.
  var ints: [Int]? { dims?.values }

  /// "FLOAT[3×4]" for messages.
  var summary: String { "\(type)[\(shape.map(String.init).joined(separator: "×"))]" }
}
