import Testing

@testable import Engine

@Suite("Scratch")
struct ScratchTests {
  @Test("consecutive requests get the same region, grown to the largest one")
  func reusesOneRegion() {
    let scratch = Scratch()
    // A smaller request reuses the block, contents and all.
    let first = Self.markThenReuse(scratch, count: 1000, marker: 1, then: 10)
    #expect(first.reused == first.marked)
    #expect(first.seen == 1)
    // A larger one replaces it, and later small ones get the larger block.
    let second = Self.markThenReuse(scratch, count: 5000, marker: 2, then: 100)
    #expect(second.reused == second.marked)
    #expect(second.seen == 2)
    #expect(second.marked % 64 == 0, "cache-line aligned")
  }

  /// Writes `marker` at the end of a `count`-float request, then makes a `smaller` one: where
  /// each got its memory, and the marker as the second saw it.
  static func markThenReuse(_ scratch: Scratch, count: Int, marker: Float, then smaller: Int) -> (
    marked: UInt, reused: UInt, seen: Float
  ) {
    let marked = scratch.withFloats(count) { p in
      p[count - 1] = marker
      return UInt(bitPattern: p)
    }
    let (reused, seen) = scratch.withFloats(smaller) { p in (UInt(bitPattern: p), p[count - 1]) }
    return (marked, reused, seen)
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
