internal import Engine

/// One test-time augmentation of `--aug-smooth` (ttach's `HorizontalFlip` × `Multiply`), on the
/// already normalised input.
struct Augmentation: Equatable {
  /// Left and right exchanged (flipped back on the map).
  var flip: Bool
  /// The input multiplied by this factor (nothing to undo on the map).
  var factor: Float

  /// pytorch-grad-cam's default: flip ∈ {no, yes} × factor ∈ {0.9, 1, 1.1}, six passes.
  static let all: [Augmentation] = [false, true].flatMap { flip in
    [Float(0.9), 1, 1.1].map { Augmentation(flip: flip, factor: $0) }
  }

  /// `[N·m, C, H, W]`: each item's `m` augmentations next to each other.
  static func batch(_ input: Tensor, _ augmentations: [Augmentation]) -> Tensor {
    let n = input.shape[0]
    let width = input.shape[3]
    let perItem = input.count / n
    var data: [Float] = []
    data.reserveCapacity(perItem * n * augmentations.count)
    for i in 0..<n {
      let item = input.data[i * perItem..<(i + 1) * perItem]
      for a in augmentations {
        let start = data.count
        data.append(contentsOf: item)
        if a.flip {
          var row = start
          while row < data.count {
            data[row..<row + width].reverse()
            row += width
          }
        }
        if a.factor != 1 {
          for k in start..<data.count { data[k] *= a.factor }
        }
      }
    }
    return Tensor(shape: [n * augmentations.count] + input.shape.dropFirst(), data: data)
  }
}
