import Foundation

/// Recycles the storage of large tensors between operators and passes.
///
/// A forward pass allocates tens of megabytes of activations per frame; fresh large blocks come
/// from `mmap` and cost a page fault per 4 KiB on first touch, which the benchmark measured at
/// up to a third of the forward time at batch 8. Released activations go back here, grouped by
/// element count, and the next tensor of that size reuses one. Reuse is safe because a pooled
/// array shared with someone else is copied on write, like any Swift array.
final class BufferPool: @unchecked Sendable {
  static let shared = BufferPool()

  /// Arrays smaller than this are left to malloc.
  static let minimumCount = 16 * 1024
  /// At most this many bytes are kept: the activations of a batch-8 forward pass of
  /// EfficientNet-Lite0 fit, and a long video render's memory stays flat (at 512 MiB the pool
  /// kept filling for minutes: a 10-minute render peaked 61 % above a 1-minute one).
  static let limit = 192 << 20

  /// This pool's byte budget.
  let limit: Int
  private let lock = NSLock()
  private var free: [Int: [[Float]]] = [:]
  /// Element counts of the pooled arrays, oldest first.
  private var order: [Int] = []
  private var bytes = 0

  init(limit: Int = BufferPool.limit) {
    self.limit = limit
  }

  /// An array of exactly `count` elements with unspecified contents, if one is pooled.
  func take(_ count: Int) -> [Float]? {
    guard count >= Self.minimumCount else { return nil }
    lock.lock()
    defer { lock.unlock() }
    guard var list = free[count], let a = list.popLast() else { return nil }
    free[count] = list.isEmpty ? nil : list
    if let i = order.lastIndex(of: count) { order.remove(at: i) }
    bytes -= count * 4
    return a
  }

  /// Offers an array for reuse; when the pool is full, the oldest arrays make room.
  ///
  /// The newest are what the next pass asks for: with the new one dropped instead, a pool
  /// filled by a pass that kept every activation (forward for Grad-CAM) never took the sizes of
  /// a later predict, which then allocated and faulted in fresh pages for them on every call.
  func give(_ array: [Float]) {
    let count = array.count
    guard count >= Self.minimumCount, count * 4 <= limit else { return }
    lock.lock()
    defer { lock.unlock() }
    while bytes + count * 4 > limit, !order.isEmpty {
      let oldest = order.removeFirst()
      if var list = free[oldest], !list.isEmpty {
        list.removeFirst()
        free[oldest] = list.isEmpty ? nil : list
        bytes -= oldest * 4
      }
    }
    free[count, default: []].append(array)
    order.append(count)
    bytes += count * 4
  }

  /// Drops every pooled array.
  func drain() {
    lock.lock()
    free.removeAll()
    order.removeAll()
    bytes = 0
    lock.unlock()
  }
}
