import Testing

@testable import VideoIO

@Suite("PixelBufferPool")
struct PixelBufferPoolTests {
  @Test("gives back a recycled array of the asked size, and a new one otherwise")
  func reuse() {
    let pool = PixelBufferPool(capacity: 2)
    var a = pool.take(count: 12)
    #expect(a.count == 12)
    a[0] = 7
    pool.recycle(a)
    #expect(pool.waiting == 1)
    #expect(pool.take(count: 6).count == 6)
    #expect(pool.waiting == 1)
    let b = pool.take(count: 12)
    #expect(b == a)
    #expect(pool.waiting == 0)
  }

  @Test("holds at most its capacity, dropping the oldest")
  func bounded() {
    let pool = PixelBufferPool(capacity: 2)
    for n in 1...5 { pool.recycle([UInt8](repeating: UInt8(n), count: 3)) }
    #expect(pool.waiting == 2)
    #expect(pool.take(count: 3) == [5, 5, 5])
    #expect(pool.take(count: 3) == [4, 4, 4])
    #expect(pool.waiting == 0)
  }

  @Test("a recycled array still held elsewhere is never changed by its next user")
  func copyOnWrite() {
    let pool = PixelBufferPool()
    let kept: [UInt8] = [1, 2, 3]
    pool.recycle(kept)
    var reused = pool.take(count: 3)
    reused.withUnsafeMutableBufferPointer { $0[0] = 9 }
    #expect(kept == [1, 2, 3])
    #expect(reused == [9, 2, 3])
  }
}
