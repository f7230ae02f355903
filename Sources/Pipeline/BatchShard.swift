/// One of `count` deterministic parts of a batch (`--shard I/N`, I from 0).
///
/// The split depends only on the set of files and their sizes, never on the order a listing
/// returns them in, so N processes on N machines (a Slurm job array, a Kubernetes Indexed Job)
/// that list the same shared folder cover it exactly once. Files are balanced by size: sorted
/// by (size descending, path), each goes to the least-loaded shard so far (the lowest index on
/// a tie) — the greedy "longest processing time first" rule, within 4/3 of the best split.
public struct BatchShard: Sendable, Equatable, CustomStringConvertible {
  /// This process's part, `0..<count`.
  public var index: Int
  /// How many parts.
  public var count: Int

  /// - Precondition: `0 <= index < count`.
  public init(index: Int, count: Int) {
    precondition(count >= 1 && (0..<count).contains(index), "shard index out of range")
    self.index = index
    self.count = count
  }

  /// The whole batch as one shard.
  public static let all = BatchShard(index: 0, count: 1)

  /// Parses `I/N`.
  /// - Throws: `BatchError.shard` unless `0 <= I < N`.
  public init(parsing text: String) throws(BatchError) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
      throw BatchError.shard(text: text, reason: "expected I/N, e.g. 0/4")
    }
    guard n >= 1 else { throw BatchError.shard(text: text, reason: "N must be at least 1") }
    guard (0..<n).contains(i) else {
      throw BatchError.shard(text: text, reason: "I counts from 0 and must be below N (\(n))")
    }
    self.init(index: i, count: n)
  }

  public var description: String { "\(index)/\(count)" }

  /// Which shard each file belongs to.
  /// - Parameters:
  ///   - files: (path, size in bytes); paths must be unique.
  ///   - count: the number of shards.
  /// - Returns: the shard index of each file, in the order given.
  public static func assign(_ files: [(path: String, size: Int64)], count: Int) -> [Int] {
    precondition(count >= 1, "at least one shard")
    let order = files.indices.sorted { a, b in
      files[a].size != files[b].size
        ? files[a].size > files[b].size : files[a].path < files[b].path
    }
    var load = [Int64](repeating: 0, count: count)
    var result = [Int](repeating: 0, count: files.count)
    for i in order {
      var best = 0
      for s in 1..<count where load[s] < load[best] { best = s }
      result[i] = best
      // An empty file still counts, so a folder of empty files is spread too.
      load[best] += max(files[i].size, 1)
    }
    return result
  }

  /// The files of this shard, in the order given.
  public func select<T>(_ items: [T], path: (T) -> String, size: (T) -> Int64) -> [T] {
    guard count > 1 else { return items }
    let shards = Self.assign(items.map { (path($0), size($0)) }, count: count)
    return zip(items, shards).filter { $0.1 == index }.map(\.0)
  }
}
