import Foundation

/// ONNX `Softmax`: `y_i = e^(x_i − max) / Σ_j e^(x_j − max)` along `axis`.
///
/// Shapes: any, `y` has the shape of `x`. Attributes: `axis` (opset ≥ 13: default −1, one
/// axis; before 13: default 1, and the input is flattened to 2-D at `axis`, so the softmax runs
/// over all dimensions from `axis` on).
/// Backward: `dx = y ⊙ (dy − Σ_j dy_j y_j)` over the same groups.
struct Softmax: UnaryOperator {
  var axis: Int
  /// Opset < 13: normalise over all dimensions from `axis` on.
  var coerced2D: Bool

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(1...1)
    let coerced = node.opset < 13
    let raw = try node.attributes.int("axis", default: coerced ? 1 : -1)
    let axis = try normalizedAxis(raw, rank: try node.shape(0).count)
    return BuiltOperator(op: Softmax(axis: axis, coerced2D: coerced), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] {
    guard axis < max(input.count, 1) else { throw .invalid("axis \(axis) for rank \(input.count)") }
    let normalized = coerced2D ? Array(input[axis...]) : (input.isEmpty ? [] : [input[axis]])
    guard normalized.values != nil else { throw .unsupported("softmax over the batch dimension") }
    return input
  }

  /// (outer, length, inner) of the normalised groups.
  private func groups(_ shape: [Int]) -> (Int, Int, Int) {
    guard !shape.isEmpty else { return (1, 1, 1) }
    let outer = shape[..<axis].reduce(1, *)
    if coerced2D { return (outer, shape[axis...].reduce(1, *), 1) }
    return (outer, shape[axis], shape[(axis + 1)...].reduce(1, *))
  }

  func forward(_ x: Tensor) -> Tensor {
    let (outer, len, inner) = groups(x.shape)
    var y = Tensor(zeros: x.shape)
    x.data.withUnsafeBufferPointer { src in
      y.data.withUnsafeMutableBufferPointer { dst in
        for o in 0..<outer {
          for i in 0..<inner {
            let base = o * len * inner + i
            var m = -Float.infinity
            for j in 0..<len { m = max(m, src[base + j * inner]) }
            var s: Float = 0
            for j in 0..<len {
              let e = expf(src[base + j * inner] - m)
              dst[base + j * inner] = e
              s += e
            }
            let r = 1 / s
            for j in 0..<len { dst[base + j * inner] *= r }
          }
        }
      }
    }
    return y
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    let (outer, len, inner) = groups(x.shape)
    var dx = Tensor(zeros: x.shape)
    for o in 0..<outer {
      for i in 0..<inner {
        let base = o * len * inner + i
        var dot: Float = 0
        for j in 0..<len { dot += dy.data[base + j * inner] * y.data[base + j * inner] }
        for j in 0..<len {
          let idx = base + j * inner
          dx.data[idx] = y.data[idx] * (dy.data[idx] - dot)
        }
      }
    }
    return dx
  }
}
