import Foundation
import Testing

@testable import Engine

@Suite("OpenBLAS threads")
struct OpenBLASThreadsTests {
  @Test("OpenBLAS is on one thread from load, and the engine keeps the count it started with")
  func oneThreadFromLoad() throws {
    // CKernels' constructor noted OpenBLAS's start-up count and stopped its workers (without it,
    // they spin for 0.1 s of every command).
    let started = Parallel.openBLASStarted
    #expect(started >= 1)
    #expect(Parallel.openBLASThreads == 1)
    if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil,
      ProcessInfo.processInfo.environment["GOTO_NUM_THREADS"] == nil,
      ProcessInfo.processInfo.environment["OMP_NUM_THREADS"] == nil
    {
      // OpenBLAS counts the CPUs it may run on.
      #expect(started == ProcessInfo.processInfo.activeProcessorCount)
    }
  }

  @Test("Setting the engine's threads and multiplying leave OpenBLAS's workers stopped")
  func workersStayStopped() throws {
    // `openblas_set_num_threads`, even with 1, starts the thread server again: its workers then
    // spin for 0.1 s of every render (found with strace: 2975 sched_yield calls in one).
    #expect(Parallel.openBLASWorkersRunning == false)
    let saved = Parallel.threads
    Parallel.setThreads(2)
    defer { Parallel.setThreads(saved) }
    // A product large enough to split over both threads, each part one OpenBLAS call.
    let (m, n, k) = (64, 64, 64)
    let a = (0..<(m * k)).map { Float($0 % 7) - 3 }
    let b = (0..<(k * n)).map { Float($0 % 5) - 2 }
    var c = [Float](repeating: 0, count: m * n)
    GEMM.multiply(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n)
    var expected: Float = 0
    for p in 0..<k { expected += a[(m - 1) * k + p] * b[p * n + n - 1] }
    #expect(c[m * n - 1] == expected)
    #expect(Parallel.openBLASWorkersRunning == false)
  }
}
