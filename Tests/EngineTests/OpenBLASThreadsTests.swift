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
}
