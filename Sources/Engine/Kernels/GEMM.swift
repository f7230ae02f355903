internal import COpenBLAS

/// Row-major single-precision matrix products on OpenBLAS (`cblas_sgemm`), with a plain
/// reference beside it for the tests.
///
/// `C = α · op(A) · op(B) + β · C`, where `op(X)` is `X` or `Xᵀ`; `op(A)` is `m×k`, `op(B)` is
/// `k×n`, `C` is `m×n`; `lda`, `ldb`, `ldc` are row strides of the matrices as stored.
enum GEMM {
  /// The product, split over ``Parallel/threads`` by rows of `C` (by columns for one row) when
  /// it is large enough; each part is one single-threaded OpenBLAS call.
  static func multiply(
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>?, lda: Int, transA: Bool = false,
    b: UnsafePointer<Float>?, ldb: Int, transB: Bool = false,
    beta: Float = 0, c: UnsafeMutablePointer<Float>?, ldc: Int
  ) {
    guard m > 0 && n > 0 else { return }
    // The parts write disjoint rows (columns) of C and only read A and B.
    nonisolated(unsafe) let (ap, bp, cp) = (a, b, c)
    // About 256 K multiply-adds per part at least.
    let minimum = max(1, 262_144 / max(1, (m == 1 ? m : n) * k))
    if m == 1 {
      Parallel.forEachRange(n, minimum: max(minimum, 16)) { r in
        // Column j of op(B) is row j of B when transposed, column j otherwise.
        multiplyOnce(
          m: 1, n: r.count, k: k, alpha: alpha, a: ap, lda: lda, transA: transA,
          b: bp.map { $0 + r.lowerBound * (transB ? ldb : 1) }, ldb: ldb, transB: transB,
          beta: beta, c: cp.map { $0 + r.lowerBound }, ldc: ldc)
      }
      return
    }
    Parallel.forEachRange(m, minimum: max(minimum, 8)) { r in
      // Row i of op(A) is column i of A when transposed, row i otherwise.
      multiplyOnce(
        m: r.count, n: n, k: k, alpha: alpha,
        a: ap.map { $0 + r.lowerBound * (transA ? 1 : lda) }, lda: lda, transA: transA,
        b: bp, ldb: ldb, transB: transB, beta: beta, c: cp.map { $0 + r.lowerBound * ldc },
        ldc: ldc)
    }
  }

  /// One OpenBLAS call for the whole product.
  private static func multiplyOnce(
    m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>?, lda: Int, transA: Bool,
    b: UnsafePointer<Float>?, ldb: Int, transB: Bool,
    beta: Float, c: UnsafeMutablePointer<Float>?, ldc: Int
  ) {
    guard m > 0 && n > 0 else { return }
    guard k > 0 else {
      if beta != 1, let c {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
      }
      return
    }
    if m == 1 {
      // A row vector times a matrix is a matrix–vector product: sgemv streams B once.
      // c[j] = α Σ_p a[p] · op(B)[p, j] + β c[j]
      cblas_sgemv(
        CblasRowMajor, transB ? CblasNoTrans : CblasTrans, Int32(transB ? n : k),
        Int32(transB ? k : n), alpha, b,
        Int32(ldb), a, Int32(transA ? lda : 1), beta, c, 1)
      return
    }
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// The same product with three loops, accumulating in Double.
  static func reference(
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: [Float], lda: Int, transA: Bool = false,
    b: [Float], ldb: Int, transB: Bool = false,
    beta: Float = 0, c: inout [Float], ldc: Int
  ) {
    for i in 0..<m {
      for j in 0..<n {
        var acc = 0.0
        for p in 0..<k {
          let x = transA ? a[p * lda + i] : a[i * lda + p]
          let y = transB ? b[j * ldb + p] : b[p * ldb + j]
          acc += Double(x) * Double(y)
        }
        let old = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
        c[i * ldc + j] = Float(Double(alpha) * acc + old)
      }
    }
  }
}
