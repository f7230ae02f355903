import Testing

@testable import Pipeline

@Suite("QueueBuffer")
struct QueueBufferTests {
  @Test("block: a full buffer refuses and says the producer must wait; FIFO order")
  func block() {
    var q = QueueBuffer<Int>(capacity: 2, policy: .block)
    #expect(q.push(1) == .accepted)
    #expect(q.push(2) == .accepted)
    #expect(q.push(3) == .full)
    guard case .item(1) = q.pop() else {
      Issue.record("expected 1")
      return
    }
    #expect(q.push(3) == .accepted)
    guard case .item(2) = q.pop(), case .item(3) = q.pop(), case .empty = q.pop() else {
      Issue.record("expected 2, 3, then empty")
      return
    }
    #expect(q.dropped == 0)
  }

  @Test("drop-oldest: the newest items survive and drops are counted")
  func dropOldest() {
    var q = QueueBuffer<Int>(capacity: 3, policy: .dropOldest)
    var discarded: [Int] = []
    for i in 0..<10 { _ = q.push(i) { discarded.append($0) } }
    #expect(q.dropped == 7)
    #expect(discarded == Array(0..<7))
    var out: [Int] = []
    while case .item(let x) = q.pop() { out.append(x) }
    #expect(out == [7, 8, 9])
  }

  @Test("close: the queued items drain in order before the end; pushes are refused")
  func close() {
    var q = QueueBuffer<Int>(capacity: 4, policy: .block)
    _ = q.push(1)
    _ = q.push(2)
    q.close()
    #expect(q.push(3) == .closed)
    guard case .item(1) = q.pop(), case .item(2) = q.pop(), case .finished = q.pop() else {
      Issue.record("EOS overtook the frames")
      return
    }
  }

  @Test("cancel: everything waiting is discarded at once")
  func cancel() {
    var q = QueueBuffer<Int>(capacity: 4, policy: .block)
    _ = q.push(1)
    q.cancel()
    guard case .finished = q.pop() else {
      Issue.record("expected finished")
      return
    }
  }

  @Test("a long run keeps order through the internal compaction")
  func longRun() {
    var q = QueueBuffer<Int>(capacity: 5, policy: .block)
    var next = 0
    var seen: [Int] = []
    for i in 0..<1000 {
      _ = q.push(i)
      if i % 3 != 0, case .item(let x) = q.pop() { seen.append(x) }
      if q.count == 5, case .item(let x) = q.pop() { seen.append(x) }
      next = i
    }
    while case .item(let x) = q.pop() { seen.append(x) }
    #expect(seen == Array(0...next))
  }
}

@Suite("QueueBuffer ownership")
struct QueueBufferOwnershipTests {
  final class Token {}

  @Test("a popped item is no longer referenced by the buffer")
  func popReleases() {
    var q = QueueBuffer<Token>(capacity: 4, policy: .block)
    weak var weakToken: Token?
    do {
      let token = Token()
      weakToken = token
      #expect(q.push(token) == .accepted)
    }
    #expect(weakToken != nil)
    do {
      guard case .item = q.pop() else {
        Issue.record("expected an item")
        return
      }
    }
    #expect(weakToken == nil)
    #expect(q.count == 0)
  }

  @Test("dropOldest lets the dropped item go")
  func dropReleases() {
    var q = QueueBuffer<Token>(capacity: 1, policy: .dropOldest)
    weak var weakToken: Token?
    do {
      let token = Token()
      weakToken = token
      _ = q.push(token)
    }
    #expect(q.push(Token()) == .acceptedDroppingOldest)
    #expect(weakToken == nil)
  }
}
