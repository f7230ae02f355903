/// One dimension of a tensor shape known at load time: either a number or an affine function
/// `a·N + b` of the batch size `N` (the graph input's dynamic first dimension).
///
/// Shape inference and the folding of shape arithmetic (`Shape` → `Gather` → `Div` → `Concat` →
/// `Reshape`) work on these, so a graph exported with a dynamic batch folds to constants once,
/// and runs with any batch size.
public struct Dim: Hashable, Sendable, CustomStringConvertible {
  /// `a` in `a·N + b`.
  public var perBatch: Int
  /// `b` in `a·N + b`.
  public var offset: Int

  /// A known dimension.
  public init(_ value: Int) {
    perBatch = 0
    offset = value
  }

  /// `perBatch·N + offset`.
  public init(perBatch: Int, offset: Int) {
    self.perBatch = perBatch
    self.offset = offset
  }

  /// The batch size `N` itself.
  public static let batch = Dim(perBatch: 1, offset: 0)

  /// The number, when it does not depend on the batch size.
  public var value: Int? { perBatch == 0 ? offset : nil }

  /// Whether it depends on the batch size.
  public var isSymbolic: Bool { perBatch != 0 }

  /// The number for batch size `n`.
  public func resolved(batch n: Int) -> Int { perBatch * n + offset }

  public var description: String {
    switch (perBatch, offset) {
    case (0, let b): return "\(b)"
    case (1, 0): return "N"
    case (let a, 0): return "\(a)N"
    case (1, let b): return b < 0 ? "N\(b)" : "N+\(b)"
    case (let a, let b): return b < 0 ? "\(a)N\(b)" : "\(a)N+\(b)"
    }
  }

  /// The sum; nil when it overflows (damaged files carry absurd sizes).
  static func + (l: Dim, r: Dim) -> Dim? {
    let (a, o1) = l.perBatch.addingReportingOverflow(r.perBatch)
    let (b, o2) = l.offset.addingReportingOverflow(r.offset)
    return o1 || o2 ? nil : Dim(perBatch: a, offset: b)
  }

  /// The difference; nil when it overflows.
  static func - (l: Dim, r: Dim) -> Dim? {
    let (a, o1) = l.perBatch.subtractingReportingOverflow(r.perBatch)
    let (b, o2) = l.offset.subtractingReportingOverflow(r.offset)
    return o1 || o2 ? nil : Dim(perBatch: a, offset: b)
  }

  /// The product, when it stays affine in `N` (one side known) and does not overflow; nil
  /// otherwise.
  static func * (l: Dim, r: Dim) -> Dim? {
    func scaled(_ d: Dim, _ k: Int) -> Dim? {
      let (a, o1) = d.perBatch.multipliedReportingOverflow(by: k)
      let (b, o2) = d.offset.multipliedReportingOverflow(by: k)
      return o1 || o2 ? nil : Dim(perBatch: a, offset: b)
    }
    if let a = l.value { return scaled(r, a) }
    if let b = r.value { return scaled(l, b) }
    return nil
  }

  /// Integer division truncating toward zero (ONNX `Div` on integers), when it is exact for every
  /// batch size or both sides are known; nil otherwise.
  static func / (l: Dim, r: Dim) -> Dim? {
    if let a = l.value, let b = r.value {
      return b == 0 || (a == Int.min && b == -1) ? nil : Dim(a / b)
    }
    // Dividing by -1 (or 0) could trap on Int.min; it never happens in real shape arithmetic.
    if r.perBatch == -1 || r.offset == -1 || r == Dim(0) { return nil }
    if let b = r.value, b != 0, l.perBatch % b == 0, l.offset % b == 0 {
      return Dim(perBatch: l.perBatch / b, offset: l.offset / b)
    }
    // Both depend on N: exact when l = k·r for an integer k.
    if r.perBatch != 0, l.perBatch % r.perBatch == 0 {
      let k = l.perBatch / r.perBatch
      let (kr, overflow) = k.multipliedReportingOverflow(by: r.offset)
      if !overflow && l.offset == kr { return Dim(k) }
    }
    return nil
  }
}

extension Dim: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int) { self.init(value) }
}

extension Array where Element == Dim {
  /// The numbers, when no dimension depends on the batch size.
  var values: [Int]? {
    var out: [Int] = []
    out.reserveCapacity(count)
    for d in self {
      guard let v = d.value else { return nil }
      out.append(v)
    }
    return out
  }

  /// The shape for batch size `n`.
  func resolved(batch n: Int) -> [Int] { map { $0.resolved(batch: n) } }

  /// The product of the dimensions, when it stays affine in `N`.
  var product: Dim? {
    var p = Dim(1)
    for d in self {
      guard let q = p * d else { return nil }
      p = q
    }
    return p
  }

  /// `N×3×224×224`.
  var shapeDescription: String { isEmpty ? "scalar" : map(\.description).joined(separator: "×") }
}

extension Array where Element == Int {
  /// Known dimensions.
  var dims: [Dim] { map { Dim($0) } }

  /// The product, or nil when it overflows.
  var checkedProduct: Int? {
    var p = 1
    for d in self {
      let (q, overflow) = p.multipliedReportingOverflow(by: d)
      if overflow { return nil }
      p = q
    }
    return p
  }
}

/// The largest tensor (in elements, batch size 1) a model may declare or infer: far above any
/// image model's activations (EfficientNet-Lite0's largest is 1.2 M), low enough that a damaged
/// file cannot make the engine allocate without bound.
let maximumTensorElements = 1 << 28
