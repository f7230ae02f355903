import Testing

@testable import Engine

@Suite("Scratch")
struct ScratchTests {
  @Test("consecutive requests get the same region, grown to the largest one")
  func reusesOneRegion() {
    let scratch = Scratch()
    let first = scratch.withFloats(1000) { p in
      p[999] = 1
      return UInt(bitPattern: p)
    }
    // A smaller request reuses the block, contents and all.
    let second = scratch.withFloats(10) { p in (UInt(bitPattern: p), p[999]) }
    #expect(second.0 == first)
    #expect(second.1 == 1)
    // A larger one replaces it, and later small ones get the larger block.
    let third = scratch.withFloats(5000) { p in
      p[4999] = 2
      return UInt(bitPattern: p)
    }
    let fourth = scratch.withFloats(100) { p in (UInt(bitPattern: p), p[4999]) }
    #expect(fourth.0 == third)
    #expect(fourth.1 == 2)
    #expect(third % 64 == 0, "cache-line aligned")
  }

  @Test("callers at the same time each get their own block")
  func nestedCallersDoNotShare() {
    let scratch = Scratch()
    let (outer, inner) = scratch.withFloats(64) { a in
      (UInt(bitPattern: a), scratch.withFloats(64) { b in UInt(bitPattern: b) })
    }
    #expect(outer != inner)
    // Both blocks are kept: two more nested callers get the same two.
    let again = scratch.withFloats(64) { a in
      Set([UInt(bitPattern: a), scratch.withFloats(64) { b in UInt(bitPattern: b) }])
    }
    #expect(again == Set([outer, inner]))
  }
}
