/// NumPy-style broadcasting (ONNX "multidirectional broadcasting"): shapes are aligned at the
/// right, and a dimension of 1 stretches to the other's size.
enum Broadcast {
  /// The broadcast shape of two shapes, or nil when they are incompatible.
  static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
      let x = i < r - a.count ? 1 : a[i - (r - a.count)]
      let y = i < r - b.count ? 1 : b[i - (r - b.count)]
      if x == y || y == 1 {
        out[i] = x
      } else if x == 1 {
        out[i] = y
      } else {
        return nil
      }
    }
    return out
  }

  /// The broadcast shape of two load-time shapes (dimensions may depend on the batch size).
  static func shape(_ a: [Dim], _ b: [Dim]) -> [Dim]? {
    let r = max(a.count, b.count)
    var out = [Dim](repeating: 1, count: r)
    for i in 0..<r {
      let x = i < r - a.count ? Dim(1) : a[i - (r - a.count)]
      let y = i < r - b.count ? Dim(1) : b[i - (r - b.count)]
      if x == y || y == Dim(1) {
        out[i] = x
      } else if x == Dim(1) {
        out[i] = y
      } else {
        return nil
      }
    }
    return out
  }
}

/// How to walk an output shape row by row while reading two operands that broadcast to it:
/// dimensions are padded, broadcast ones get stride 0, and neighbours that stay contiguous are
/// merged, so the inner loop is as long as possible.
struct BroadcastWalk {
  /// Collapsed output shape (at least one dimension).
  private(set) var shape: [Int]
  private(set) var strideA: [Int]
  private(set) var strideB: [Int]

  init(output: [Int], a: [Int], b: [Int]) {
    let r = output.count
    func strides(_ s: [Int]) -> [Int] {
      let padded = [Int](repeating: 1, count: r - s.count) + s
      var st = Tensor.strides(of: padded)
      for i in 0..<r where padded[i] == 1 && output[i] != 1 { st[i] = 0 }
      return st
    }
    var sh: [Int] = []
    var sa: [Int] = []
    var sb: [Int] = []
    let fa = strides(a)
    let fb = strides(b)
    for i in 0..<r where output[i] != 1 {
      if let last = sh.last, let la = sa.last, let lb = sb.last,
        la == fa[i] * output[i], lb == fb[i] * output[i]
      {
        sh[sh.count - 1] = last * output[i]
        sa[sa.count - 1] = fa[i]
        sb[sb.count - 1] = fb[i]
      } else {
        sh.append(output[i])
        sa.append(fa[i])
        sb.append(fb[i])
      }
    }
    if sh.isEmpty {
      sh = [1]
      sa = [0]
      sb = [0]
    }
    shape = sh
    strideA = sa
    strideB = sb
  }

  /// Length of the innermost run.
  var rowLength: Int { shape[shape.count - 1] }
  var innerStrideA: Int { strideA[strideA.count - 1] }
  var innerStrideB: Int { strideB[strideB.count - 1] }

  /// Calls `body(row, offsetA, offsetB)` for every innermost run, in output order.
  func forEachRow(_ body: (Int, Int, Int) -> Void) {
    let outer = shape.dropLast().reduce(1, *)
    let r = shape.count - 1
    var index = [Int](repeating: 0, count: max(r, 1))
    var oa = 0
    var ob = 0
    for row in 0..<outer {
      body(row, oa, ob)
      var axis = r - 1
      while axis >= 0 {
        index[axis] += 1
        oa += strideA[axis]
        ob += strideB[axis]
        if index[axis] < shape[axis] { break }
        oa -= strideA[axis] * shape[axis]
        ob -= strideB[axis] * shape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }
}

/// A binary float function applied elementwise (specialised per type in the kernels).
protocol BinaryFunction {
  static func apply(_ a: Float, _ b: Float) -> Float
}

enum Elementwise {
  /// `out = F(a, b)` with broadcasting.
  static func binary<F: BinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor) -> Tensor {
    guard let shape = Broadcast.shape(a.shape, b.shape) else {
      preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
    }
    let walk = BroadcastWalk(output: shape, a: a.shape, b: b.shape)
    let n = walk.rowLength
    let ia = walk.innerStrideA
    let ib = walk.innerStrideB
    return Tensor(shape: shape) { out in
      a.data.withUnsafeBufferPointer { pa in
        b.data.withUnsafeBufferPointer { pb in
          walk.forEachRow { row, oa, ob in
            let o = row * n
            if ia == 1 && ib == 1 {
              for i in 0..<n { out[o + i] = F.apply(pa[oa + i], pb[ob + i]) }
            } else if ia == 1 && ib == 0 {
              let v = pb[ob]
              for i in 0..<n { out[o + i] = F.apply(pa[oa + i], v) }
            } else if ia == 0 && ib == 1 {
              let v = pa[oa]
              for i in 0..<n { out[o + i] = F.apply(v, pb[ob + i]) }
            } else {
              for i in 0..<n { out[o + i] = F.apply(pa[oa + i * ia], pb[ob + i * ib]) }
            }
          }
        }
      }
    }
  }

  /// Sums `t` over the dimensions that were broadcast to reach its shape from `shape` (the
  /// adjoint of broadcasting, used by every broadcasting operator's backward).
  static func reduceSum(_ t: Tensor, to shape: [Int]) -> Tensor {
    if t.shape == shape { return t }
    var out = Tensor(zeros: shape)
    let walk = BroadcastWalk(output: t.shape, a: t.shape, b: shape)
    let n = walk.rowLength
    let ib = walk.innerStrideB
    t.data.withUnsafeBufferPointer { src in
      out.data.withUnsafeMutableBufferPointer { dst in
        walk.forEachRow { row, _, ob in
          let o = row * n
          if ib == 0 {
            var acc: Float = 0
            for i in 0..<n { acc += src[o + i] }
            dst[ob] += acc
          } else {
            for i in 0..<n { dst[ob + i * ib] += src[o + i] }
          }
        }
      }
    }
    return out
  }

  /// `y = f(x)` elementwise.
  static func map(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
    Tensor(shape: x.shape) { out in
      x.data.withUnsafeBufferPointer { src in
        for i in 0..<src.count { out[i] = f(src[i]) }
      }
    }
  }

  /// `z = f(x, y)` elementwise over equal shapes.
  static func zip(_ x: Tensor, _ y: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
    precondition(x.shape == y.shape, "shapes \(x.shape) and \(y.shape) differ")
    return Tensor(shape: x.shape) { out in
      x.data.withUnsafeBufferPointer { a in
        y.data.withUnsafeBufferPointer { b in
          for i in 0..<a.count { out[i] = f(a[i], b[i]) }
        }
      }
    }
  }

  /// `w = f(x, y, z)` elementwise over equal shapes.
  static func zip3(_ x: Tensor, _ y: Tensor, _ z: Tensor, _ f: (Float, Float, Float) -> Float)
    -> Tensor
  {
    precondition(x.shape == y.shape && y.shape == z.shape, "shapes differ")
    return Tensor(shape: x.shape) { out in
      x.data.withUnsafeBufferPointer { a in
        y.data.withUnsafeBufferPointer { b in
          z.data.withUnsafeBufferPointer { c in
            for i in 0..<a.count { out[i] = f(a[i], b[i], c[i]) }
          }
        }
      }
    }
  }
}

extension Elementwise {
  /// `t` repeated along its size-1 dimensions to `shape` (the adjoint of ``reduceSum(_:to:)``).
  static func broadcast(_ t: Tensor, to shape: [Int]) -> Tensor {
    if t.shape == shape { return t }
    let walk = BroadcastWalk(output: shape, a: shape, b: t.shape)
    let n = walk.rowLength
    let ib = walk.innerStrideB
    return Tensor(shape: shape) { out in
      t.data.withUnsafeBufferPointer { src in
        walk.forEachRow { row, _, ob in
          for i in 0..<n { out[row * n + i] = src[ob + i * ib] }
        }
      }
    }
  }
}
