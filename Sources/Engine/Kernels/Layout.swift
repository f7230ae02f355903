/// Data-movement kernels shared by the runtime operators (on `Float`) and by constant folding (on
/// ``Dim`` shape arithmetic): transpose, slice, gather, concat, pad.
///
/// Each is written once, generic over the element, with its adjoint where backward needs one.
enum Layout {
  // MARK: Transpose

  /// `out[i_perm(0), …] = x[i_0, …]`: output dimension `k` is input dimension `perm[k]`.
  static func transpose<T>(_ x: [T], shape: [Int], perm: [Int]) -> [T] {
    let r = shape.count
    guard r > 1 else { return x }
    let inStrides = Tensor.strides(of: shape)
    // Trailing output axes that keep the input order move as one block.
    var block = 1
    var k = r
    while k > 0 && perm[k - 1] == k - 1 && (k == r || perm[k] == k) {
      block *= shape[k - 1]
      k -= 1
    }
    let outShape = perm.map { shape[$0] }
    let outerShape = Array(outShape[0..<k])
    let outerStrides = (0..<k).map { inStrides[perm[$0]] }
    let outer = outerShape.reduce(1, *)
    var out: [T] = []
    out.reserveCapacity(x.count)
    var index = [Int](repeating: 0, count: max(k, 1))
    var offset = 0
    for _ in 0..<outer {
      out.append(contentsOf: x[offset..<offset + block])
      var axis = k - 1
      while axis >= 0 {
        index[axis] += 1
        offset += outerStrides[axis]
        if index[axis] < outerShape[axis] { break }
        offset -= outerStrides[axis] * outerShape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
    return out
  }

  /// The permutation that undoes `perm`.
  static func inverse(_ perm: [Int]) -> [Int] {
    var inv = [Int](repeating: 0, count: perm.count)
    for (i, p) in perm.enumerated() { inv[p] = i }
    return inv
  }

  // MARK: Slice

  /// One axis of a strided slice: `count` elements from `start`, `step` apart.
  struct SliceAxis: Equatable, Sendable {
    var start: Int
    var step: Int
    var count: Int
  }

  /// ONNX `Slice` semantics for one axis of size `dim`: negative indices count from the end,
  /// starts and ends are clamped (to [0, dim] for positive steps, [-1, dim-1] for negative).
  static func sliceAxis(start: Int, end: Int, step: Int, dim: Int) -> SliceAxis {
    var s = start < 0 ? start + dim : start
    var e = end < 0 ? end + dim : end
    if step > 0 {
      s = min(max(s, 0), dim)
      e = min(max(e, 0), dim)
      return SliceAxis(start: s, step: step, count: e > s ? (e - s + step - 1) / step : 0)
    } else {
      s = min(max(s, -1), dim - 1)
      e = min(max(e, -1), dim - 1)
      return SliceAxis(start: s, step: step, count: s > e ? (s - e - step - 1) / -step : 0)
    }
  }

  /// Visits, in output order, the input offset of every element of a strided slice.
  static func forEachSliceOffset(shape: [Int], axes: [SliceAxis], _ body: (Int, Int) -> Void) {
    let strides = Tensor.strides(of: shape)
    let counts = axes.map(\.count)
    let total = counts.reduce(1, *)
    guard total > 0 else { return }
    let r = shape.count
    var index = [Int](repeating: 0, count: r)
    var offset = 0
    for a in 0..<r { offset += axes[a].start * strides[a] }
    for o in 0..<total {
      body(o, offset)
      var axis = r - 1
      while axis >= 0 {
        index[axis] += 1
        offset += axes[axis].step * strides[axis]
        if index[axis] < counts[axis] { break }
        offset -= axes[axis].step * strides[axis] * counts[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }

  static func slice<T>(_ x: [T], shape: [Int], axes: [SliceAxis]) -> [T] {
    var out: [T] = []
    out.reserveCapacity(axes.map(\.count).reduce(1, *))
    guard let last = axes.last, last.step == 1, shape.count > 1 else {
      forEachSliceOffset(shape: shape, axes: axes) { _, i in out.append(x[i]) }
      return out
    }
    // Unit step on the innermost axis: copy whole runs.
    let rowLength = shape[shape.count - 1]
    forEachSliceOffset(shape: Array(shape.dropLast()), axes: Array(axes.dropLast())) { _, row in
      let start = row * rowLength + last.start
      out.append(contentsOf: x[start..<start + last.count])
    }
    return out
  }

  // MARK: Gather

  /// `out[a…, j…, b…] = x[a…, indices[j…], b…]` along `axis` (indices already non-negative).
  static func gather<T>(_ x: [T], shape: [Int], axis: Int, indices: [Int]) -> [T] {
    let outer = shape[0..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    let dim = shape[axis]
    var out: [T] = []
    out.reserveCapacity(outer * indices.count * inner)
    for o in 0..<outer {
      for j in indices {
        let start = (o * dim + j) * inner
        out.append(contentsOf: x[start..<start + inner])
      }
    }
    return out
  }

  // MARK: Concat

  /// Joins `parts` (shapes equal except on `axis`) along `axis`.
  static func concat<T>(_ parts: [[T]], shapes: [[Int]], axis: Int) -> [T] {
    guard let first = shapes.first else { return [] }
    let outer = first[0..<axis].reduce(1, *)
    let blocks = shapes.map { $0[axis...].reduce(1, *) }
    var out: [T] = []
    out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
    for o in 0..<outer {
      for (p, part) in parts.enumerated() {
        let b = blocks[p]
        out.append(contentsOf: part[o * b..<(o + 1) * b])
      }
    }
    return out
  }

  /// Splits `x` along `axis` into parts of the given sizes (the adjoint of ``concat``).
  static func split<T>(_ x: [T], shape: [Int], axis: Int, sizes: [Int]) -> [[T]] {
    let outer = shape[0..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    let rowLength = shape[axis] * inner
    var parts = sizes.map { s -> [T] in
      var a: [T] = []
      a.reserveCapacity(outer * s * inner)
      return a
    }
    for o in 0..<outer {
      var start = o * rowLength
      for (p, s) in sizes.enumerated() {
        parts[p].append(contentsOf: x[start..<start + s * inner])
        start += s * inner
      }
    }
    return parts
  }

  // MARK: Pad

  /// How each output index of one padded axis reads the input: the source index, or -1 for the
  /// constant value.
  ///
  /// Modes: `constant`, `reflect` (mirror without the edge), `edge` (repeat it), `wrap`.
  static func padSources(dim: Int, before: Int, after: Int, mode: PadMode) -> [Int] {
    (0..<(before + dim + after)).map { o -> Int in
      var i = o - before
      if i >= 0 && i < dim { return i }
      switch mode {
      case .constant:
        return -1
      case .edge:
        return i < 0 ? 0 : dim - 1
      case .reflect:
        guard dim > 1 else { return 0 }
        let period = 2 * (dim - 1)
        i = ((i % period) + period) % period
        return i < dim ? i : period - i
      case .wrap:
        return ((i % dim) + dim) % dim
      }
    }
  }

  /// Visits `(outputOffset, inputOffset or -1)` of every padded element, in output order.
  ///
  /// Negative pads crop (their sources simply skip input rows).
  static func forEachPadSource(shape: [Int], sources: [[Int]], _ body: (Int, Int) -> Void) {
    let strides = Tensor.strides(of: shape)
    let outShape = sources.map(\.count)
    let total = outShape.reduce(1, *)
    let r = shape.count
    guard total > 0 else { return }
    var index = [Int](repeating: 0, count: r)
    for o in 0..<total {
      var offset = 0
      var inside = true
      for a in 0..<r {
        let s = sources[a][index[a]]
        if s < 0 {
          inside = false
          break
        }
        offset += s * strides[a]
      }
      body(o, inside ? offset : -1)
      var axis = r - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < outShape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
  }
}

/// ONNX `Pad` modes.
enum PadMode: String, Sendable {
  case constant, reflect, edge, wrap
}
