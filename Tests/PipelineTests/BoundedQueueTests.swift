import Dispatch
import Testing

@testable import Pipeline

@Suite("BoundedQueue")
struct BoundedQueueTests {
  @Test("a producer faster than its consumer is held back, and nothing is lost or reordered")
  func backpressure() async {
    let q = BoundedQueue<Int>(capacity: 3)
    let producer = DispatchQueue(label: "producer")
    producer.async {
      for i in 0..<500 { q.push(i) }
      q.close()
    }
    var out: [Int] = []
    while let x = q.pop() { out.append(x) }
    #expect(out == Array(0..<500))
    #expect(q.dropped == 0)
  }

  @Test("cancel wakes a blocked producer, which learns its item was not taken")
  func cancelWakesProducer() async {
    let q = BoundedQueue<Int>(capacity: 1)
    q.push(0)
    let result = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
      DispatchQueue(label: "blocked").async { done.resume(returning: q.push(1)) }
      DispatchQueue(label: "canceller").asyncAfter(deadline: .now() + 0.05) { q.cancel() }
    }
    #expect(result == false)
    #expect(q.pop() == nil)
  }
}
