import TestSupport
import Testing

@testable import Engine

@Suite("GEMM")
struct GEMMTests {
  @Test(
    "cblas_sgemm (and sgemv for one row) equals the reference for every transpose, odd sizes, α, β, strides"
  )
  func matchesReference() {
    var rng = SeededRandom(seed: 11)
    for (m, n, k) in [
      (1, 1, 1), (1, 7, 5), (1, 100, 13), (3, 5, 7), (17, 2, 9), (8, 33, 1), (13, 13, 64),
    ] {
      for transA in [false, true] {
        for transB in [false, true] {
          let lda = (transA ? m : k) + 2
          let ldb = (transB ? k : n) + 1
          let ldc = n + 3
          let a = rng.tensor([(transA ? k : m) * lda]).data
          let b = rng.tensor([(transB ? n : k) * ldb]).data
          let c0 = rng.tensor([m * ldc]).data
          var fast = c0
          var slow = c0
          a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
              fast.withUnsafeMutableBufferPointer { cp in
                GEMM.multiply(
                  m: m, n: n, k: k, alpha: 0.5, a: ap.baseAddress, lda: lda, transA: transA,
                  b: bp.baseAddress, ldb: ldb,
                  transB: transB, beta: 2, c: cp.baseAddress, ldc: ldc)
              }
            }
          }
          GEMM.reference(
            m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, transA: transA, b: b, ldb: ldb,
            transB: transB, beta: 2,
            c: &slow, ldc: ldc)
          let d = Difference(fast, slow)
          #expect(d.maxAbs < 1e-4, "m \(m) n \(n) k \(k) transA \(transA) transB \(transB): \(d)")
        }
      }
    }
  }
}
