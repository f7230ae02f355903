/// What a bounded queue does when it is full (STYLE.md: the overflow policy is named).
public enum OverflowPolicy: Sendable, Equatable {
  /// The producer waits for room: files, where every frame counts (backpressure).
  case block
  /// The oldest waiting item is dropped to make room: live sources, where latency counts.
  case dropOldest
}

/// The state machine of a bounded queue, without threads.
///
/// It holds the buffer, its capacity and policy,
/// and whether it is closed. ``BoundedQueue`` wraps it in a lock and condition variables.
struct QueueBuffer<Element> {
  enum Push: Equatable {
    /// Stored.
    case accepted
    /// Stored after dropping the oldest item (drop-oldest policy).
    case acceptedDroppingOldest
    /// No room: the producer must wait (block policy).
    case full
    /// The queue was closed; the item is discarded.
    case closed
  }

  enum Pop {
    case item(Element)
    /// Nothing yet: the consumer must wait.
    case empty
    /// Closed and drained: nothing will come.
    case finished
  }

  let capacity: Int
  let policy: OverflowPolicy
  /// Popped slots are emptied at once (not at the next compaction): a frame that has left the
  /// queue must not stay referenced here, or its next stage could not blend it in place (nor
  /// its pixels be reused) without a copy, and up to 32 popped frames would stay in memory.
  private var items: [Element?] = []
  private var head = 0
  private(set) var isClosed = false
  /// Items dropped by the drop-oldest policy so far.
  private(set) var dropped = 0

  init(capacity: Int, policy: OverflowPolicy) {
    precondition(capacity > 0, "a bounded queue needs room for at least one item")
    self.capacity = capacity
    self.policy = policy
  }

  var count: Int { items.count - head }

  /// Tries to store an item.
  ///
  /// Items dropped to make room are handed to `discard`.
  mutating func push(_ item: Element, discard: (Element) -> Void = { _ in }) -> Push {
    guard !isClosed else { return .closed }
    if count < capacity {
      items.append(item)
      return .accepted
    }
    switch policy {
    case .block:
      return .full
    case .dropOldest:
      if let oldest = items[head] { discard(oldest) }
      items[head] = nil
      head += 1
      dropped += 1
      items.append(item)
      compact()
      return .acceptedDroppingOldest
    }
  }

  /// Takes the oldest item.
  ///
  /// A closed queue still hands out what it holds, in order, so the end
  /// of a stream never overtakes its last items.
  mutating func pop() -> Pop {
    guard head < items.count else { return isClosed ? .finished : .empty }
    guard let item = items[head] else { preconditionFailure("a queued slot is empty") }
    items[head] = nil
    head += 1
    compact()
    return .item(item)
  }

  /// No more pushes; pops drain what is left.
  mutating func close() { isClosed = true }

  /// Closes and forgets the waiting items (after an error, nobody will read them).
  mutating func cancel() {
    isClosed = true
    items.removeAll()
    head = 0
  }

  private mutating func compact() {
    if head > 32 && head * 2 > items.count {
      items.removeFirst(head)
      head = 0
    }
  }
}
