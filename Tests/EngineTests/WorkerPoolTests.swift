import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Engine

@Suite("Worker pool")
struct WorkerPoolTests {
  /// Runs `parts` parts on `pool`, each busy for `busy` µs, and returns how often each ran and
  /// on which threads.
  static func record(_ pool: WorkerPool, parts: Int, busy: UInt64 = 0) -> (
    ran: [Int], threads: Set<UInt>, ok: Bool
  ) {
    let seen = Mutex<(ran: [Int], threads: Set<UInt>)>((Array(repeating: 0, count: parts), []))
    let ok = pool.run(parts: parts) { i in
      let start = DispatchTime.now().uptimeNanoseconds
      while DispatchTime.now().uptimeNanoseconds - start < busy * 1000 {}
      let thread = UInt(bitPattern: Int(bitPattern: pthread_self()))
      seen.withLock {
        $0.ran[i] += 1
        $0.threads.insert(thread)
      }
    }
    let result = seen.withLock { $0 }
    return (result.ran, result.threads, ok)
  }

  @Test("every part runs exactly once")
  func everyPartOnce() {
    let pool = WorkerPool()
    for round in 0..<2000 {
      let parts = 2 + round % 3
      let (ran, _, ok) = Self.record(pool, parts: parts)
      #expect(ok)
      #expect(ran == Array(repeating: 1, count: parts), "round \(round)")
    }
  }

  @Test("helpers take parts")
  func helpersTakeParts() {
    let pool = WorkerPool()
    // Parts of 0.3 ms: the caller cannot take both before its helper, woken at the start or
    // already watching, claims one, unless the machine keeps the helper off every core for that
    // long (on a loaded machine, in some loops; without helpers, in all).
    var helped = 0
    for _ in 0..<1000 where helped < 3 {
      let (ran, threads, ok) = Self.record(pool, parts: 2, busy: 300)
      #expect(ok && ran == [1, 1])
      if threads.count == 2 { helped += 1 }
    }
    #expect(helped == 3)
  }

  @Test("a part's own loop is refused, and Parallel runs it without the pool")
  func nestedLoops() {
    let pool = WorkerPool()
    let refused = Atomic<Int>(0)
    let ok = pool.run(parts: 2) { _ in
      if !pool.run(parts: 2, { _ in }) { refused.add(1, ordering: .relaxed) }
    }
    #expect(ok)
    #expect(refused.load(ordering: .relaxed) == 2)

    // The engine's loops, nested: the inner ones fall back to Dispatch and still cover all.
    let saved = Parallel.threads
    Parallel.setThreads(2)
    defer { Parallel.setThreads(saved) }
    let hits = Mutex([Int](repeating: 0, count: 64 * 64))
    Parallel.forEachRange(64) { outer in
      for i in outer {
        Parallel.forEachRange(64) { inner in
          hits.withLock { for j in inner { $0[i * 64 + j] += 1 } }
        }
      }
    }
    #expect(hits.withLock { $0 } == [Int](repeating: 1, count: 64 * 64))
  }

  @Test("threads submitting at once each get all their parts run")
  func concurrentSubmitters() {
    let pool = WorkerPool()
    let totals = Mutex([Int](repeating: 0, count: 4))
    DispatchQueue.concurrentPerform(iterations: 4) { submitter in
      for _ in 0..<300 {
        let sum = Atomic<Int>(0)
        let part = { (i: Int) in _ = sum.add(i + 1, ordering: .relaxed) }
        if !pool.run(parts: 3, part) { (0..<3).forEach(part) }
        totals.withLock { $0[submitter] += sum.load(ordering: .relaxed) }
      }
    }
    #expect(totals.withLock { $0 } == [Int](repeating: 300 * 6, count: 4))
  }

  @Test("idle helpers go to sleep instead of spinning")
  func helpersSleepWhenIdle() async throws {
    let pool = WorkerPool()
    #expect(Self.record(pool, parts: 3).ok)
    // They watch for the next loop for 0.1 ms; allow a busy machine a while to run them.
    var asleep = 0
    for _ in 0..<200 where asleep < 2 {
      try await Task.sleep(for: .milliseconds(10))
      asleep = pool.sleepingHelpers
    }
    #expect(asleep == 2)
    // And wake for the next loop.
    let (ran, _, ok) = Self.record(pool, parts: 3)
    #expect(ok && ran == [1, 1, 1])
  }
}
