/// ONNX `MatMul`: NumPy `matmul`, `Y[…] = A[…] · B[…]` over broadcast leading (batch) dims.
///
/// Shapes: `A [..., M, K]`, `B [..., K, N]`, `Y [..., M, N]`; a 1-D `A` is a row `[1, K]` and a
/// 1-D `B` a column `[K, 1]`, whose added dimension is removed from `Y`. Either input may be a
/// constant or computed. Attributes: none.
/// Backward: `dA = dY · Bᵀ`, `dB = Aᵀ · dY`, summed over the batch dims each was broadcast on.
struct MatMul: Operator {
  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(2...2)
    for i in 0..<2 where node.constants[i] != nil && node.constants[i]?.floats == nil {
      throw .unsupported("input \(i) is not a float tensor")
    }
    return BuiltOperator(op: MatMul(), runtimeInputs: [0, 1])
  }

  /// The matrix view of both operands and the output.
  struct Plan {
    var m: Int
    var k: Int
    var n: Int
    var batchA: [Int]
    var batchB: [Int]
    var batch: [Int]
    var outShape: [Int]

    init?(_ a: [Int], _ b: [Int]) {
      guard !a.isEmpty, !b.isEmpty else { return nil }
      let a2 = a.count == 1 ? [1] + a : a
      let b2 = b.count == 1 ? b + [1] : b
      m = a2[a2.count - 2]
      k = a2[a2.count - 1]
      n = b2[b2.count - 1]
      guard b2[b2.count - 2] == k else { return nil }
      batchA = Array(a2.dropLast(2))
      batchB = Array(b2.dropLast(2))
      guard let bs = Broadcast.shape(batchA, batchB) else { return nil }
      batch = bs
      var out = bs
      if a.count > 1 { out.append(m) }
      if b.count > 1 { out.append(n) }
      outShape = out
    }

    /// `(outputBatchIndex, batchIndexInA, batchIndexInB)` for every output matrix.
    func pairs() -> [(Int, Int, Int)] {
      var result: [(Int, Int, Int)] = []
      let walk = BroadcastWalk(output: batch, a: batchA, b: batchB)
      let len = walk.rowLength
      let ia = walk.innerStrideA
      let ib = walk.innerStrideB
      walk.forEachRow { row, oa, ob in
        for i in 0..<len { result.append((row * len + i, oa + i * ia, ob + i * ib)) }
      }
      return result
    }
  }

  func outputShapes(_ inputs: [[Dim]]) throws(NodeError) -> [[Dim]] {
    guard inputs.count == 2 else { throw .invalid("expected 2 inputs") }
    let a = inputs[0]
    let b = inputs[1]
    guard !a.isEmpty, !b.isEmpty else { throw .invalid("scalar operand") }
    let a2 = a.count == 1 ? [Dim(1)] + a : a
    let b2 = b.count == 1 ? b + [Dim(1)] : b
    guard a2[a2.count - 1] == b2[b2.count - 2], a2[a2.count - 1].value != nil else {
      throw .invalid("\(a.shapeDescription) · \(b.shapeDescription): inner dimensions differ")
    }
    guard let batch = Broadcast.shape(Array(a2.dropLast(2)), Array(b2.dropLast(2))) else {
      throw .invalid(
        "batch dimensions of \(a.shapeDescription) and \(b.shapeDescription) do not broadcast")
    }
    var out = batch
    if a.count > 1 { out.append(a2[a2.count - 2]) }
    if b.count > 1 { out.append(b2[b2.count - 1]) }
    return [out]
  }

  func forward(_ inputs: [Tensor]) -> [Tensor] {
    let a = inputs[0]
    let b = inputs[1]
    guard let p = Plan(a.shape, b.shape) else {
      preconditionFailure("MatMul shapes \(a.shape) \(b.shape)")
    }
    var y = Tensor(zeros: p.outShape)
    a.data.withUnsafeBufferPointer { ap in
      b.data.withUnsafeBufferPointer { bp in
        y.data.withUnsafeMutableBufferPointer { yp in
          for (o, ia, ib) in p.pairs() {
            GEMM.multiply(
              m: p.m, n: p.n, k: p.k, a: ap.baseAddress.map { $0 + ia * p.m * p.k }, lda: p.k,
              b: bp.baseAddress.map { $0 + ib * p.k * p.n }, ldb: p.n,
              c: yp.baseAddress.map { $0 + o * p.m * p.n }, ldc: p.n)
          }
        }
      }
    }
    return [y]
  }

  func backward(_ step: BackwardStep) -> [Tensor?] {
    let a = step.inputs[0]
    let b = step.inputs[1]
    guard let p = Plan(a.shape, b.shape) else { preconditionFailure("MatMul shapes") }
    let dy = step.outputGradients[0] ?? Tensor(zeros: p.outShape)
    var da = step.wanted[0] ? Tensor(zeros: a.shape) : nil
    var db = step.wanted[1] ? Tensor(zeros: b.shape) : nil
    dy.data.withUnsafeBufferPointer { gp in
      for (o, ia, ib) in p.pairs() {
        let g = gp.baseAddress.map { $0 + o * p.m * p.n }
        if da != nil {
          b.data.withUnsafeBufferPointer { bp in
            da?.data.withUnsafeMutableBufferPointer { dp in
              // dA [M, K] += dY [M, N] · Bᵀ [N, K]
              GEMM.multiply(
                m: p.m, n: p.k, k: p.n, a: g, lda: p.n,
                b: bp.baseAddress.map { $0 + ib * p.k * p.n }, ldb: p.n,
                transB: true, beta: 1, c: dp.baseAddress.map { $0 + ia * p.m * p.k }, ldc: p.k)
            }
          }
        }
        if db != nil {
          a.data.withUnsafeBufferPointer { ap in
            db?.data.withUnsafeMutableBufferPointer { dp in
              // dB [K, N] += Aᵀ [K, M] · dY [M, N]
              GEMM.multiply(
                m: p.k, n: p.n, k: p.m, a: ap.baseAddress.map { $0 + ia * p.m * p.k }, lda: p.k,
                transA: true,
                b: g, ldb: p.n, beta: 1, c: dp.baseAddress.map { $0 + ib * p.k * p.n }, ldc: p.n)
            }
          }
        }
      }
    }
    return [da, db]
  }
}
