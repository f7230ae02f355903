internal import CKernels
internal import COpenBLAS
import Dispatch
import Synchronization

/// Splitting work over the compute threads the caller allowed (``BLAS/threads``, the one knob
/// for the engine's kernels and OpenBLAS).
///
/// The engine splits every product and plane loop itself (on ``WorkerPool``, whose helpers
/// watch for the next loop for 0.1 ms and then sleep) and keeps OpenBLAS at one thread:
/// OpenBLAS's own workers spin for 0.1 s after every call, which would burn the core that
/// decoding and encoding need.
enum Parallel {
  /// The thread count until ``BLAS/threads`` is set.
  ///
  /// What OpenBLAS started with (`OPENBLAS_NUM_THREADS` or the core count), before CKernels put
  /// it on one thread at load (`ck_openblas_started_threads`); otherwise reading it turns
  /// OpenBLAS down to one thread here, as the engine splits work itself. Only then: setting the
  /// count, even to the 1 it already has, would start the workers CKernels stopped.
  private static let initial: Int = {
    let n = openBLASStarted > 0 ? openBLASStarted : max(1, openBLASThreads)
    if openBLASThreads != 1 { openblas_set_num_threads(1) }
    return n
  }()
  /// The threads OpenBLAS started with before CKernels stopped its workers (0: it did not).
  static var openBLASStarted: Int { Int(ck_openblas_started_threads()) }

  /// Whether OpenBLAS's worker threads exist (nil: OpenBLAS does not say).
  static var openBLASWorkersRunning: Bool? {
    let running = ck_openblas_server_running()
    return running < 0 ? nil : running == 1
  }

  /// The threads OpenBLAS uses now.
  static var openBLASThreads: Int { Int(openblas_get_num_threads()) }

  /// The count ``BLAS/threads`` set (0: not set).
  private static let count = Atomic<Int>(0)

  /// The number of threads to use (1 inside ``alone(_:)``).
  static var threads: Int {
    if ck_single_threaded() != 0 { return 1 }
    let n = count.load(ordering: .relaxed)
    return n > 0 ? n : initial
  }

  /// Uses `n` threads from now on (at least 1).
  static func setThreads(_ n: Int) {
    _ = initial
    count.store(max(1, n), ordering: .relaxed)
  }

  /// Runs `body` with this thread's loops unsplit: the work is already divided between threads
  /// at a coarser grain.
  static func alone<T>(_ body: () -> T) -> T {
    let outer = ck_single_threaded()
    ck_set_single_threaded(1)
    defer { ck_set_single_threaded(outer) }
    return body()
  }

  /// Calls `body` on contiguous, disjoint sub-ranges of `0..<count` covering it, concurrently when
  /// more than one thread is allowed and each range gets at least `minimum` items.
  static func forEachRange(_ count: Int, minimum: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
    let parts = min(threads, max(1, count / max(minimum, 1)))
    if parts <= 1 {
      body(0..<count)
      return
    }
    perform(parts) { i in body((count * i / parts)..<(count * (i + 1) / parts)) }
  }

  /// Calls `body(i)` for every `i` in `0..<parts` concurrently, this thread taking parts too:
  /// on ``WorkerPool``, whose helpers are awake between the loops of a pass, or on Dispatch
  /// when the pool is running another loop.
  static func perform(_ parts: Int, _ body: @Sendable (Int) -> Void) {
    if WorkerPool.shared.run(parts: parts, body) { return }
    DispatchQueue.concurrentPerform(iterations: parts, execute: body)
  }
}
