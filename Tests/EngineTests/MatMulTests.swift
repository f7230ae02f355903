import TestSupport
import Testing

@testable import Engine

@Suite("MatMul")
struct MatMulTests {
  @Test("batched and broadcast matrix products, 1-D operands; backward matches finite differences")
  func matmul() {
    let a = Tensor(shape: [2, 2], data: [1, 2, 3, 4])
    let b = Tensor(shape: [2], data: [1, 1])
    let y = MatMul().forward([a, b])[0]
    #expect(y.shape == [2] && y.data == [3, 7])
    var rng = SeededRandom(seed: 13)
    for (sa, sb) in [
      ([3, 4], [4, 2]), ([2, 3, 4], [4, 5]), ([2, 1, 3, 4], [3, 4, 2]), ([4], [2, 4, 3]),
      ([2, 3, 4], [4]),
    ] {
      let x = rng.tensor(sa)
      let w = rng.tensor(sb)
      let out = MatMul().forward([x, w])[0]
      let shapes = try? MatMul().outputShapes([sa.dims, sb.dims])
      #expect(shapes?.first == out.shape.dims, "\(sa) · \(sb)")
      expectGradients(MatMul(), [x, w])
    }
  }
}
