import Foundation

/// Frame-sized pixel arrays handed back once a frame is done with, for the next frame to fill.
///
/// A 720p RGB frame is 2.7 MB: above glibc's mmap threshold, so a fresh array is mapped, faulted
/// in page by page (zeroed by the kernel) and unmapped again for every frame — about 5 ms of
/// kernel time per 720p frame across the pipeline's buffers. Handing the arrays round instead
/// (reader → … → encoder → pool → reader) touches no new memory in steady state.
///
/// The arrays stay ordinary copy-on-write values: one still referenced elsewhere when it is
/// taken again is copied by its next writer instead of being overwritten, so a pooled buffer can
/// never change a picture someone still holds. It only costs the allocation this saves.
///
/// Thread-safe. At most `capacity` arrays wait here; more are freed, so memory stays bounded by
/// the frames in flight plus `capacity`.
public final class PixelBufferPool: @unchecked Sendable {
  private let lock = NSLock()
  private var free: [[UInt8]] = []
  public let capacity: Int

  public init(capacity: Int = 8) {
    precondition(capacity >= 0, "capacity must not be negative")
    self.capacity = capacity
  }

  /// An array of `count` bytes, with unspecified contents: the caller overwrites all of them.
  public func take(count: Int) -> [UInt8] {
    let reused: [UInt8]? = lock.withLock {
      guard let i = free.lastIndex(where: { $0.count == count }) else { return nil }
      return free.remove(at: i)
    }
    return reused ?? Self.unspecified(count: count)
  }

  /// A new array of `count` bytes with unspecified contents (every byte is overwritten by the
  /// caller: no need to zero a frame first).
  static func unspecified(count: Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
  }

  /// Hands an array back for a later `take`; the oldest waiting array is dropped when full.
  public func recycle(_ buffer: [UInt8]) {
    guard capacity > 0, !buffer.isEmpty else { return }
    let dropped: [UInt8]? = lock.withLock {
      free.append(buffer)
      return free.count > capacity ? free.removeFirst() : nil
    }
    _ = dropped  // freed outside the lock
  }

  /// How many arrays wait to be reused.
  public var waiting: Int { lock.withLock { free.count } }
}
