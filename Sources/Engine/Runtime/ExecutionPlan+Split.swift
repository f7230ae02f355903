import Synchronization

extension ExecutionPlan {
  /// Whether the batch items never meet: the input and every tensor a step computes have the
  /// batch size as their first dimension, so the plan can run on parts of a batch.
  static func isBatchParallel(input: [Dim], steps: [PlanStep], shapes: [[Dim]]) -> Bool {
    guard input.first == .batch else { return false }
    return steps.allSatisfy { s in s.outputs.allSatisfy { $0 < 0 || shapes[$0].first == .batch } }
  }

  /// ``run(_:keep:)`` on parts of the batch, one thread each.
  ///
  /// The parts' kernels do not split their work again: one meeting per pass instead of one per
  /// operator, which on a busy machine (a video's decoder and encoder on the same cores) left a
  /// thread waiting at every operator. The values kept are joined back along the batch; nil
  /// when the batch does not split.
  func runSplit(_ x: Tensor, keep: Retention, parts requested: Int) -> [Tensor?]? {
    let n = x.shape.first ?? 0
    let parts = min(requested, n)
    guard batchParallel, parts > 1 else { return nil }
    // Joining (nearly) every activation back would cost more than the split saves.
    switch keep {
    case .all: return nil
    case .tensors(let kept) where kept.count { $0 } * 2 > kept.count: return nil
    default: break
    }
    let per = x.count / n
    let bounds = (0...parts).map { n * $0 / parts }
    let results = PartResults(count: parts)
    Parallel.perform(parts) { i in
      let items = bounds[i]..<bounds[i + 1]
      let part = Tensor(
        shape: [items.count] + x.shape.dropFirst(),
        data: Array(x.data[items.lowerBound * per..<items.upperBound * per]))
      results.set(i, Parallel.alone { run(part, keep: keep) })
    }
    let values = results.values
    var joined = [Tensor?](repeating: nil, count: names.count)
    for id in 0..<names.count {
      if let c = constants[id] {
        joined[id] = c
        continue
      }
      if id == input {
        joined[id] = x
        continue
      }
      let pieces = values.compactMap { $0[id] }
      guard pieces.count == parts, let first = pieces.first else { continue }
      joined[id] = Tensor(shape: [n] + first.shape.dropFirst()) { out in
        var at = 0
        for p in pieces {
          p.data.withUnsafeBufferPointer { src in
            for k in 0..<src.count { out[at + k] = src[k] }
          }
          at += p.count
        }
      }
      for p in pieces { BufferPool.shared.give(p.data) }
    }
    return joined
  }
}

/// The value arrays of the parts, written by their threads.
private final class PartResults: Sendable {
  private let storage: Mutex<[[Tensor?]]>

  init(count: Int) { storage = Mutex([[Tensor?]](repeating: [], count: count)) }

  func set(_ i: Int, _ v: [Tensor?]) { storage.withLock { $0[i] = v } }
  var values: [[Tensor?]] { storage.withLock { $0 } }
}
