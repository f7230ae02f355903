internal import CKernels
import Dispatch
import Foundation
import Synchronization

/// Helper threads that run the parts of a split loop beside the calling thread, and wait for
/// the next loop by spinning briefly before they sleep.
///
/// `DispatchQueue.concurrentPerform` wakes a sleeping worker for every loop: 25–50 µs on this
/// project's machine (a futex wake and a reschedule), and a batch-1 forward pass on two threads
/// splits about 40 loops, one after the other. A helper here keeps watching for the next loop
/// for ``spinLimit`` after its part and only then sleeps, so the loops of one pass find it
/// awake, while between passes (frames) it takes at most that much of its core: not OpenBLAS's
/// 0.1 s of spinning.
///
/// One loop at a time: a loop submitted while another runs (a nested one, or another thread's)
/// is refused, and the caller runs it some other way.
final class WorkerPool: Sendable {
  static let shared = WorkerPool()

  /// How long a waiting thread watches before it sleeps (nanoseconds).
  static let spinLimit: UInt64 = 100_000

  /// Bumped for every loop; the helpers watch it.
  private let generation = Atomic<Int>(0)
  /// The current loop, set before `generation` moves and cleared when the loop ends.
  private let current = Mutex<Job?>(nil)
  private let busy = Atomic<Bool>(false)
  private let helpers = Mutex<[Sleeper]>([])
  /// Where the submitting thread sleeps while helpers finish their parts.
  private let caller = Sleeper()

  /// Calls `body(i)` for every `i` in `0..<parts`, on this thread and up to `parts − 1`
  /// helpers, and returns when all have returned; false, calling nothing, when the pool is
  /// running another loop.
  func run(parts: Int, _ body: (Int) -> Void) -> Bool {
    guard parts > 1 else {
      if parts == 1 { body(0) }
      return true
    }
    guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else { return false }
    defer { busy.store(false, ordering: .releasing) }
    let sleepers = startHelpers(parts - 1)
    withoutActuallyEscaping(body) { body in
      let job = Job(parts: parts, body: body)
      current.withLock { $0 = job }
      generation.add(1, ordering: .sequentiallyConsistent)
      for sleeper in sleepers { sleeper.wake() }
      _ = job.work()
      caller.wait { job.pending.load(ordering: .sequentiallyConsistent) == 0 }
      // No helper takes the job from now on, and those that took it are leaving it: the body
      // must not outlive this block.
      current.withLock { $0 = nil }
      while job.active.load(ordering: .acquiring) > 0 { ck_cpu_relax() }
    }
    return true
  }

  /// The helpers asleep now (the others are watching for a loop or running one).
  var sleepingHelpers: Int {
    helpers.withLock { list in list.count { $0.parked.load(ordering: .relaxed) } }
  }

  /// At least `count` helper threads, started on first need; returns all of them.
  private func startHelpers(_ count: Int) -> [Sleeper] {
    let (all, new) = helpers.withLock { list -> ([Sleeper], [Sleeper]) in
      guard list.count < count else { return (list, []) }
      let added = (list.count..<count).map { _ in Sleeper() }
      list += added
      return (list, added)
    }
    for sleeper in new {
      let thread = Thread { [self] in helperLoop(sleeper) }
      thread.name = "camvideo-engine"
      thread.start()
    }
    return all
  }

  private func helperLoop(_ sleeper: Sleeper) {
    var seen = generation.load(ordering: .sequentiallyConsistent)
    while true {
      sleeper.wait { generation.load(ordering: .sequentiallyConsistent) != seen }
      seen = generation.load(ordering: .sequentiallyConsistent)
      // Taken without a reference (the caller ends the body's life with the loop) but counted,
      // under the lock that ends the loop.
      let taken = current.withLock { job in
        job.map {
          $0.active.add(1, ordering: .relaxed)
          return Unmanaged.passUnretained($0)
        }
      }
      guard let taken else { continue }
      let finishedLast = taken._withUnsafeGuaranteedRef { job in
        let last = job.work()
        job.active.subtract(1, ordering: .releasing)
        return last
      }
      if finishedLast { caller.wake() }
    }
  }
}

/// One loop: `parts` calls of `body`, each claimed by whichever thread comes first.
private final class Job: Sendable {
  let parts: Int
  nonisolated(unsafe) let body: (Int) -> Void
  let next = Atomic<Int>(0)
  /// Parts not finished.
  let pending: Atomic<Int>
  /// Helpers between taking this job and their last touch of it.
  let active = Atomic<Int>(0)

  init(parts: Int, body: @escaping (Int) -> Void) {
    self.parts = parts
    self.body = body
    pending = Atomic(parts)
  }

  /// Runs unclaimed parts until none is left; true if this thread finished the last one.
  func work() -> Bool {
    var finishedLast = false
    while true {
      let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
      guard i < parts else { return finishedLast }
      body(i)
      if pending.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 {
        finishedLast = true
      }
    }
  }
}

/// A thread's way to wait for a condition: watch it, then sleep until woken.
///
/// It watches for ``WorkerPool/spinLimit``. `parked` is set before sleeping and exchanged by
/// whoever wakes the thread, so each sleep is matched by exactly one signal.
private final class Sleeper: Sendable {
  let parked = Atomic<Bool>(false)
  private let semaphore = DispatchSemaphore(value: 0)

  /// Returns once `done()` holds; whoever makes it hold calls ``wake()`` after.
  ///
  /// The condition and the flag are both read and written sequentially consistently (a thread
  /// sets its flag, then reads the condition; its waker sets the condition, then reads the
  /// flag), so one of the two sees the other's write.
  func wait(until done: () -> Bool) {
    var start = DispatchTime.now().uptimeNanoseconds
    var spins = 0
    while !done() {
      ck_cpu_relax()
      spins &+= 1
      if spins & 63 == 0 && DispatchTime.now().uptimeNanoseconds - start > WorkerPool.spinLimit {
        sleep(unless: done)
        start = DispatchTime.now().uptimeNanoseconds
      }
    }
  }

  /// Sleeps until ``wake()``, unless `done()` holds once the flag is set (then no signal is
  /// coming, or the one that is gets consumed here).
  private func sleep(unless done: () -> Bool) {
    parked.store(true, ordering: .sequentiallyConsistent)
    if done() && parked.exchange(false, ordering: .sequentiallyConsistent) { return }
    semaphore.wait()
  }

  func wake() {
    if parked.exchange(false, ordering: .sequentiallyConsistent) { semaphore.signal() }
  }
}
