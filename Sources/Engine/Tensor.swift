import Foundation

/// A dense float tensor in row-major (NCHW for images) order: the values the engine computes on.
///
/// Storage is a contiguous `[Float]`; `shape` lists the dimensions outermost first. A tensor of
/// rank 0 (a scalar) has `shape == []` and one element.
public struct Tensor: Sendable, Equatable {
  /// The dimensions, outermost first.
  public let shape: [Int]
  /// The elements in row-major order; `data.count` is the product of `shape`.
  public internal(set) var data: [Float]

  /// A tensor with the given shape and elements.
  ///
  /// - Precondition: `data.count` equals the product of `shape` and no dimension is negative.
  public init(shape: [Int], data: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
    precondition(data.count == shape.reduce(1, *), "\(data.count) elements for shape \(shape)")
    self.shape = shape
    self.data = data
  }

  /// A tensor of the given shape filled with `value`.
  public init(shape: [Int], repeating value: Float) {
    let count = shape.reduce(1, *)
    if var data = BufferPool.shared.take(count) {
      data.withUnsafeMutableBufferPointer { $0.update(repeating: value) }
      self.init(shape: shape, data: data)
    } else {
      self.init(shape: shape, data: [Float](repeating: value, count: count))
    }
  }

  /// A tensor of zeros.
  public init(zeros shape: [Int]) {
    self.init(shape: shape, repeating: 0)
  }

  /// A tensor whose elements are written by `body` (every element must be written), in storage
  /// recycled from released activations when there is some of its size.
  public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) -> Void) {
    let count = shape.reduce(1, *)
    if var data = BufferPool.shared.take(count) {
      data.withUnsafeMutableBufferPointer { body($0) }
      self.init(shape: shape, data: data)
      return
    }
    let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      body(buffer)
      initialized = count
    }
    self.init(shape: shape, data: data)
  }

  /// The number of elements.
  public var count: Int { data.count }

  /// The number of dimensions.
  public var rank: Int { shape.count }

  /// The same elements under another shape with the same element count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, data: data)
  }

  /// Row-major strides of `shape` (in elements).
  static func strides(of shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[axis] = s
      s *= shape[axis]
    }
    return strides
  }
}

extension Tensor {
  /// A one-hot seed for ``ForwardPass/backward(from:to:mode:)``: for item `n` of a batch, 1 at
  /// `classes[n]` of a `[N, count]` output and 0 elsewhere (the gradient of the class logit).
  ///
  /// - Parameters:
  ///   - classes: one class index per batch item.
  ///   - count: the number of classes (the output's second dimension).
  public static func oneHot(classes: [Int], count: Int) -> Tensor {
    var t = Tensor(zeros: [classes.count, count])
    for (n, c) in classes.enumerated() where c >= 0 && c < count {
      t.data[n * count + c] = 1
    }
    return t
  }

  /// The seed that makes backward differentiate the softmax probability of `classes[n]` instead
  /// of its logit: `∂p_c/∂z_j = p_c (δ_cj − p_j)` with `p = softmax(z)` over the last axis of a
  /// `[N, K]` logits tensor.
  ///
  /// - Parameters:
  ///   - logits: `[N, K]` logits from the forward pass.
  ///   - classes: one class index per batch item.
  public static func softmaxSeed(logits: Tensor, classes: [Int]) -> Tensor {
    precondition(logits.rank == 2 && logits.shape[0] == classes.count, "logits must be [N, K]")
    let k = logits.shape[1]
    var seed = Tensor(zeros: logits.shape)
    for n in 0..<classes.count {
      let row = Array(logits.data[n * k..<(n + 1) * k])
      let m = row.max() ?? 0
      let e = row.map { expf($0 - m) }
      let s = e.reduce(0, +)
      let c = classes[n]
      guard c >= 0 && c < k else { continue }
      let pc = e[c] / s
      for j in 0..<k {
        let pj = e[j] / s
        seed.data[n * k + j] = pc * ((j == c ? 1 : 0) - pj)
      }
    }
    return seed
  }
}
