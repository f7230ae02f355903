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
    bytes -= count * 4
    return a
  }

  /// Offers an array for reuse; a full pool keeps what it has and lets the new one go.
  ///
  /// Dropping the oldest instead (so a predict after a Grad-CAM forward finds its sizes) cost
  /// renders 10–15 %: `--aug-smooth` on 80 VGA frames took 12.6–13.4 s against 11.4–11.6 s, as
  /// the passes of a render always ask for the sizes the pool filled up with first.
  func give(_ array: [Float]) {
    let count = array.count
    guard count >= Self.minimumCount, count * 4 <= limit else { return }
    lock.lock()
    defer { lock.unlock() }
    guard bytes + count * 4 <= limit else { return }
    free[count, default: []].append(array)
    bytes += count * 4
  }

  /// Drops every pooled array.
  func drain() {
    lock.lock()
    free.removeAll()
    bytes = 0
    lock.unlock()
  }
}
