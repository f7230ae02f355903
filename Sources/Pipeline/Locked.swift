import Foundation

/// A value shared between pipeline stages, behind a lock.
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) { self.value = value }

  func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}

/// A non-`Sendable` object handed to exactly one stage: created before the stage starts, used
/// only by it, and touched again by the creator only after the stage has finished (after
/// `DispatchGroup.wait()`), which orders the accesses.
struct HandOff<Value>: @unchecked Sendable {
  let value: Value
}
