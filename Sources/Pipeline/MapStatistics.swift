/// Where a heat map is hot, in the pixels of the frame it lies over (`--frames-json`).
public struct MapStatistics: Sendable, Equatable {
  /// The hottest pixel (the first one in row-major order if several tie).
  public var peakX: Int, peakY: Int
  /// The bounding box of the pixels at or above `threshold` (the peak alone if none is).
  public var box: PixelBox

  public struct PixelBox: Sendable, Equatable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
      self.x = x
      self.y = y
      self.width = width
      self.height = height
    }
  }

  /// - Parameters:
  ///   - map: `width × height` values, row-major, normalised to [0, 1].
  ///   - threshold: the level that counts as hot (0.5 in CLI.md).
  public init(map: [Float], width: Int, height: Int, threshold: Float = 0.5) {
    precondition(map.count == width * height && !map.isEmpty)
    var peak = 0
    var minX = width
    var minY = height
    var maxX = -1
    var maxY = -1
    map.withUnsafeBufferPointer { m in
      for y in 0..<height {
        let row = y * width
        for x in 0..<width {
          let v = m[row + x]
          if v > m[peak] { peak = row + x }
          if v >= threshold {
            minX = min(minX, x)
            maxX = max(maxX, x)
            minY = min(minY, y)
            maxY = max(maxY, y)
          }
        }
      }
    }
    peakX = peak % width
    peakY = peak / width
    box =
      maxX >= 0
      ? PixelBox(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
      : PixelBox(x: peakX, y: peakY, width: 1, height: 1)
  }
}
