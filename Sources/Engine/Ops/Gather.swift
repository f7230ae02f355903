/// ONNX `Gather`: `y[a…, j…, b…] = x[a…, indices[j…], b…]` along `axis`, with constant indices
/// (negative ones count from the end).
///
/// A scalar index removes the axis.
///
/// Shapes: `x` of rank r, `indices` of rank q, `y` of rank r + q − 1. Attributes: `axis` (0).
/// Backward: `dx` scatters-adds `dy` back to the gathered positions.
struct Gather: UnaryOperator {
  var axis: Int
  var indices: [Int]
  var indexShape: [Int]

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(2...2)
    let x = try node.shape(0)
    let axis = try normalizedAxis(try node.attributes.int("axis", default: 0), rank: x.count)
    guard let dim = x[axis].value else { throw .unsupported("gathering along the batch dimension") }
    let c = try node.constant(1, "indices")
    let raw = try node.intsConstant(1, "indices")
    var indices: [Int] = []
    for i in raw {
      let j = i < 0 ? i + dim : i
      guard j >= 0 && j < dim else { throw .invalid("index \(i) out of range for \(dim)") }
      indices.append(j)
    }
    return BuiltOperator(
      op: Gather(axis: axis, indices: indices, indexShape: c.shape), runtimeInputs: [0])
  }

  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim] {
    Array(input[..<axis]) + indexShape.dims + Array(input[(axis + 1)...])
  }

  func forward(_ x: Tensor) -> Tensor {
    let shape = Array(x.shape[..<axis]) + indexShape + Array(x.shape[(axis + 1)...])
    return Tensor(
      shape: shape, data: Layout.gather(x.data, shape: x.shape, axis: axis, indices: indices))
  }

  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor {
    var dx = Tensor(zeros: x.shape)
    let outer = x.shape[..<axis].reduce(1, *)
    let inner = x.shape[(axis + 1)...].reduce(1, *)
    let dim = x.shape[axis]
    var o = 0
    for a in 0..<outer {
      for j in indices {
        let base = (a * dim + j) * inner
        for i in 0..<inner { dx.data[base + i] += dy.data[o + i] }
        o += inner
      }
    }
    return dx
  }
}
