import TestSupport
import Testing

@testable import Engine

@Suite("Gemm")
struct GemmTests {
  @Test("α·op(A)·op(B) + β·C for every transpose; backward matches finite differences")
  func gemm() {
    var rng = SeededRandom(seed: 12)
    for transA in [false, true] {
      for transB in [false, true] {
        let (m, k, n) = (3, 5, 4)
        let a = rng.tensor(transA ? [k, m] : [m, k])
        let b = rng.tensor(transB ? [n, k] : [k, n])
        let c = rng.tensor([n])
        let op = Gemm(b: b, c: c, alpha: 0.7, beta: 1.5, transA: transA, transB: transB)
        let y = op.forward([a])[0]
        var expected = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
          for j in 0..<n {
            var s: Float = 0
            for p in 0..<k {
              let x = transA ? a.data[p * m + i] : a.data[i * k + p]
              let w = transB ? b.data[j * k + p] : b.data[p * n + j]
              s += x * w
            }
            expected[i * n + j] = 0.7 * s + 1.5 * c.data[j]
          }
        }
        #expect(y.shape == [m, n])
        #expect(Difference(y.data, expected).maxAbs < 1e-5, "transA \(transA) transB \(transB)")
        expectGradients(op, [a])
      }
    }
  }
}
