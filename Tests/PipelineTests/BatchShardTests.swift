import Pipeline
import TestSupport
import Testing

@Suite("BatchShard")
struct BatchShardTests {
  @Test("I/N parses with I from 0; anything else is refused")
  func parsing() throws {
    #expect(try BatchShard(parsing: "0/3") == BatchShard(index: 0, count: 3))
    #expect(try BatchShard(parsing: "2/3") == BatchShard(index: 2, count: 3))
    for bad in ["3/3", "-1/3", "1/0", "1", "a/b", "1/2/3", ""] {
      #expect(throws: BatchError.self, "\(bad)") { try BatchShard(parsing: bad) }
    }
  }

  @Test("largest first, each to the least-loaded shard, ties to the lower index")
  func greedyBySize() {
    let files: [(path: String, size: Int64)] = [
      ("a", 10), ("b", 100), ("c", 80), ("d", 90), ("e", 10), ("f", 10),
    ]
    let shards = BatchShard.assign(files, count: 2)
    // b 100 → 0; d 90 → 1; c 80 → 1 (90 < 100); a, e, f 10 each → 0 (100... < 170).
    #expect(shards == [0, 0, 1, 1, 0, 0])
    var load = [Int64](repeating: 0, count: 2)
    for (f, s) in zip(files, shards) { load[s] += f.size }
    #expect(load == [130, 170])
  }

  @Test("the split depends on the set of files, not on the order they are listed in")
  func orderIndependent() {
    var files: [(path: String, size: Int64)] = []
    for i in 0..<40 {
      let size: Int = (i * 7919) % 1000 + (i % 3 == 0 ? 0 : 5)
      files.append((path: "clip\(i).mp4", size: Int64(size)))
    }
    let reference = Dictionary(
      uniqueKeysWithValues: zip(files.map(\.path), BatchShard.assign(files, count: 3)))
    var shuffled = files
    var rng = SeededRandom(seed: 42)
    for _ in 0..<5 {
      shuffled.shuffle(using: &rng)
      let again = BatchShard.assign(shuffled, count: 3)
      for (f, s) in zip(shuffled, again) { #expect(reference[f.path] == s, "\(f.path)") }
    }
  }

  @Test("N shards cover every file exactly once and stay balanced")
  func coverExactlyOnce() {
    let files: [(path: String, size: Int64)] = (0..<25).map { ("f\($0)", Int64(100 + $0 * 13)) }
    for n in 1...5 {
      var seen: [String: Int] = [:]
      var load = [Int64](repeating: 0, count: n)
      for i in 0..<n {
        let part = BatchShard(index: i, count: n).select(files, path: \.path, size: \.size)
        for f in part {
          seen[f.path, default: 0] += 1
          load[i] += f.size
        }
      }
      #expect(seen.count == files.count && seen.values.allSatisfy { $0 == 1 }, "N = \(n)")
      let biggest = files.map(\.size).max() ?? 0
      #expect((load.max() ?? 0) - (load.min() ?? 0) <= biggest, "N = \(n): \(load)")
    }
  }

  @Test("equal sizes (empty files too) are spread by path")
  func equalSizes() {
    let files: [(path: String, size: Int64)] = ["d", "a", "c", "b"].map { ($0, 0) }
    #expect(BatchShard.assign(files, count: 2) == [1, 0, 0, 1])
  }
}
