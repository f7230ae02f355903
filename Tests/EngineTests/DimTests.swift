import Testing

@testable import Engine

@Suite("Dim")
struct DimTests {
  @Test("affine arithmetic in the batch size; products and quotients only when exact")
  func arithmetic() {
    let n = Dim.batch
    #expect((n + Dim(2))?.description == "N+2")
    #expect(Dim(Int.max) + Dim(1) == nil)
    #expect(Dim(Int.min) / Dim(-1) == nil)
    #expect(Dim(perBatch: Int.max, offset: 0) * Dim(2) == nil)
    #expect([Int.max, 2].checkedProduct == nil)
    #expect(((n * Dim(3)) ?? 0).description == "3N")
    #expect(n * n == nil)
    #expect((Dim(perBatch: 12, offset: 0) / Dim(perBatch: 2, offset: 0)) == Dim(6))
    #expect((Dim(perBatch: 4, offset: 2) / Dim(2)) == Dim(perBatch: 2, offset: 1))
    #expect(Dim(perBatch: 3, offset: 0) / Dim(2) == nil)
    #expect(Dim(7) / Dim(2) == Dim(3))
    #expect(Dim(perBatch: 2, offset: 1).resolved(batch: 5) == 11)
    #expect([n, Dim(3), Dim(4)].product == Dim(perBatch: 12, offset: 0))
    #expect([n, Dim(3)].shapeDescription == "N×3")
  }
}
