import Foundation

/// A bounded, thread-safe FIFO between two pipeline stages: the thread boundary of
/// GStreamer's `queue`.
///
/// With ``OverflowPolicy/block`` a full queue makes the producer wait (backpressure, so memory
/// stays flat whatever the input's length); with ``OverflowPolicy/dropOldest`` it drops the
/// oldest item instead (live input). `close()` ends the stream after the items already queued;
/// `cancel()` (after an error) wakes everyone and discards them.
final class BoundedQueue<Element>: @unchecked Sendable {
  // All state is guarded by `condition`'s lock.
  private var buffer: QueueBuffer<Element>
  private let condition = NSCondition()

  init(capacity: Int, policy: OverflowPolicy = .block) {
    buffer = QueueBuffer(capacity: capacity, policy: policy)
  }

  /// Adds an item, waiting for room under the block policy.
  /// - Returns: false when the queue was closed or cancelled (the item was not taken).
  @discardableResult
  func push(_ item: Element) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while true {
      switch buffer.push(item) {
      case .accepted, .acceptedDroppingOldest:
        condition.broadcast()
        return true
      case .closed:
        return false
      case .full:
        condition.wait()
      }
    }
  }

  /// The next item, waiting for one; nil once the queue is closed and drained, or cancelled.
  func pop() -> Element? {
    condition.lock()
    defer { condition.unlock() }
    while true {
      switch buffer.pop() {
      case .item(let item):
        condition.broadcast()
        return item
      case .finished:
        return nil
      case .empty:
        condition.wait()
      }
    }
  }

  /// Ends the stream: consumers drain what is queued, then get nil.
  func close() {
    condition.lock()
    buffer.close()
    condition.broadcast()
    condition.unlock()
  }

  /// Ends the stream now, discarding what is queued, and wakes every waiting thread.
  func cancel() {
    condition.lock()
    buffer.cancel()
    condition.broadcast()
    condition.unlock()
  }

  /// Items dropped by the drop-oldest policy.
  var dropped: Int {
    condition.lock()
    defer { condition.unlock() }
    return buffer.dropped
  }
}
