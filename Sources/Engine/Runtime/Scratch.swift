import Synchronization

/// Raw working memory for kernels that need more than their output (the expanded rows of a
/// fused inverted-residual block), handed out last in, first out.
///
/// ``BufferPool`` keys arrays by their exact size, so the sixteen blocks of EfficientNet-Lite0
/// would each write their intermediates to their own buffers: 15 MB of scratch that one image's
/// pass through the rest of the network (and the other tenants of the L3 cache) has evicted by
/// the time the block runs again, so at batch 1 every store into it first fetched the line from
/// memory. Here consecutive blocks reuse the same region, which stays cached; the buffer grows to
/// the largest request and one is kept per thread that ran a block at the same time as another.
final class Scratch: Sendable {
  static let shared = Scratch()

  /// A block of floats from `allocate`, owned by whoever took it.
  private struct Block: @unchecked Sendable {
    var pointer: UnsafeMutablePointer<Float>
    var count: Int
  }

  private let free = Mutex<[Block]>([])

  deinit {
    free.withLock { blocks in
      for block in blocks { block.pointer.deallocate() }
      blocks.removeAll()
    }
  }

  /// Calls `body` with at least `count` floats of uninitialised memory, valid during the call.
  func withFloats<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
    var block = free.withLock { $0.popLast() }
    if let b = block, b.count < count {
      b.pointer.deallocate()
      block = nil
    }
    // Cache-line aligned, so rows of whole vectors do not straddle lines more than they must.
    let taken =
      block
      ?? Block(
        pointer: UnsafeMutableRawPointer.allocate(
          byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64
        ).bindMemory(to: Float.self, capacity: max(count, 1)), count: max(count, 1))
    defer { free.withLock { $0.append(taken) } }
    return body(taken.pointer)
  }
}
