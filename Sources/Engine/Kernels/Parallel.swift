internal import COpenBLAS
import Dispatch

/// Splitting work over the compute threads the caller allowed (``BLAS/threads``, the one knob
/// for OpenBLAS and the engine's own kernels).
enum Parallel {
  /// The number of threads to use.
  static var threads: Int { max(1, Int(openblas_get_num_threads())) }

  /// Calls `body` on contiguous, disjoint sub-ranges of `0..<count` covering it, concurrently when
  /// more than one thread is allowed and each range gets at least `minimum` items.
  static func forEachRange(_ count: Int, minimum: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
    let parts = min(threads, max(1, count / max(minimum, 1)))
    if parts <= 1 {
      body(0..<count)
      return
    }
    DispatchQueue.concurrentPerform(iterations: parts) { i in
      body((count * i / parts)..<(count * (i + 1) / parts))
    }
  }
}
