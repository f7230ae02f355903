/// ONNX `Gemm`: `Y = α · op(A) · op(B) + β · C`, `op(X)` = `X` or `Xᵀ` (`transA`, `transB`).
///
/// Shapes: `A [M, K]` (or `[K, M]`), `B [K, N]` (or `[N, K]`, constant), optional `C`
/// broadcastable to `[M, N]` (constant), `Y [M, N]`. Attributes: `alpha` (1), `beta` (1),
/// `transA` (0), `transB` (0). A classifier's `Linear` exports as `transB = 1`.
/// Backward (A only): `dop(A) = α · dY · op(B)ᵀ`.
struct Gemm: Operator {
  var b: Tensor
  var c: Tensor?
  var alpha: Float
  var beta: Float
  var transA: Bool
  var transB: Bool

  var n: Int { transB ? b.shape[0] : b.shape[1] }
  var k: Int { transB ? b.shape[1] : b.shape[0] }

  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(2...3)
    let alpha = try node.attributes.float("alpha", default: 1)
    let beta = try node.attributes.float("beta", default: 1)
    let transA = try node.attributes.int("transA", default: 0) != 0
    let transB = try node.attributes.int("transB", default: 0) != 0
    let b = try node.floatConstant(1, "B matrix")
    guard b.rank == 2 else { throw .invalid("B has rank \(b.rank)") }
    let c = node.has(2) ? try node.floatConstant(2, "C matrix") : nil
    let gemm = Gemm(b: b, c: c, alpha: alpha, beta: beta, transA: transA, transB: transB)
    _ = try gemm.outputShapes([try node.shape(0)])
    return BuiltOperator(op: gemm, runtimeInputs: [0])
  }

  func outputShapes(_ inputs: [[Dim]]) throws(NodeError) -> [[Dim]] {
    guard inputs.count == 1, inputs[0].count == 2 else { throw .invalid("A must be a matrix") }
    let a = inputs[0]
    let m = transA ? a[1] : a[0]
    let ka = transA ? a[0] : a[1]
    guard ka == Dim(k) else {
      throw .invalid("A \(a.shapeDescription) and B \(b.shape) do not chain")
    }
    if let c {
      guard c.rank <= 2, Broadcast.shape(c.shape.dims, [m, Dim(n)]) == [m, Dim(n)] else {
        throw .invalid("C \(c.shape) does not broadcast to [M, \(n)]")
      }
    }
    return [[m, Dim(n)]]
  }

  func forward(_ inputs: [Tensor]) -> [Tensor] {
    let a = inputs[0]
    let m = transA ? a.shape[1] : a.shape[0]
    var y = Tensor(zeros: [m, n])
    if let c, beta != 0 {
      let walk = BroadcastWalk(output: [m, n], a: [m, n], b: c.shape)
      let len = walk.rowLength
      let ib = walk.innerStrideB
      y.data.withUnsafeMutableBufferPointer { out in
        walk.forEachRow { row, _, ob in
          for i in 0..<len { out[row * len + i] = beta * c.data[ob + i * ib] }
        }
      }
    }
    a.data.withUnsafeBufferPointer { ap in
      b.data.withUnsafeBufferPointer { bp in
        y.data.withUnsafeMutableBufferPointer { yp in
          GEMM.multiply(
            m: m, n: n, k: k, alpha: alpha, a: ap.baseAddress, lda: a.shape[1], transA: transA,
            b: bp.baseAddress, ldb: b.shape[1], transB: transB, beta: 1, c: yp.baseAddress, ldc: n)
        }
      }
    }
    return [y]
  }

  func backward(_ step: BackwardStep) -> [Tensor?] {
    guard step.wanted[0] else { return [nil] }
    let a = step.inputs[0]
    let m = transA ? a.shape[1] : a.shape[0]
    let dy = step.outputGradients[0] ?? Tensor(zeros: [m, n])
    var da = Tensor(zeros: a.shape)
    dy.data.withUnsafeBufferPointer { gp in
      b.data.withUnsafeBufferPointer { bp in
        da.data.withUnsafeMutableBufferPointer { dp in
          if transA {
            // dA [K, M] = α · op(B) [K, N] · dYᵀ [N, M]
            GEMM.multiply(
              m: k, n: m, k: n, alpha: alpha, a: bp.baseAddress, lda: b.shape[1], transA: transB,
              b: gp.baseAddress, ldb: n, transB: true, c: dp.baseAddress, ldc: m)
          } else {
            // dA [M, K] = α · dY [M, N] · op(B)ᵀ [N, K]
            GEMM.multiply(
              m: m, n: k, k: n, alpha: alpha, a: gp.baseAddress, lda: n,
              b: bp.baseAddress, ldb: b.shape[1], transB: !transB, c: dp.baseAddress, ldc: k)
          }
        }
      }
    }
    return [da]
  }
}
