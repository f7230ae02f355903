import Testing

@testable import Engine

@Suite("BufferPool")
struct BufferPoolTests {
  @Test("a full pool keeps what it has: the first sizes a render asks for stay pooled")
  func keepsFirst() {
    let n = BufferPool.minimumCount
    let pool = BufferPool(limit: 4 * n * 4)
    pool.give([Float](repeating: 1, count: n))
    pool.give([Float](repeating: 2, count: n + 1))
    pool.give([Float](repeating: 3, count: n + 2))
    // Over budget: the new array is not kept, the others are.
    pool.give([Float](repeating: 4, count: 2 * n + 10))
    #expect(pool.take(2 * n + 10) == nil)
    #expect(pool.take(n)?.first == 1)
    #expect(pool.take(n + 1)?.first == 2)
    #expect(pool.take(n + 2)?.first == 3)
    #expect(pool.take(n) == nil)
    // Taking made room again.
    pool.give([Float](repeating: 5, count: 2 * n + 10))
    #expect(pool.take(2 * n + 10)?.first == 5)
  }

  @Test("small and oversized arrays are not kept")
  func bounds() {
    let pool = BufferPool(limit: BufferPool.minimumCount * 4)
    pool.give([Float](repeating: 0, count: 10))
    pool.give([Float](repeating: 0, count: BufferPool.minimumCount + 1))
    #expect(pool.take(10) == nil)
    #expect(pool.take(BufferPool.minimumCount + 1) == nil)
  }
}
