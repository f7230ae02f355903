/// A packed 8-bit RGB picture owned by Swift: `height` rows of `width * 3` bytes, no padding.
public struct RGBImage: Sendable, Equatable {
  public var width: Int
  public var height: Int
  public var pixels: [UInt8]

  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(width > 0 && height > 0 && pixels.count == width * height * 3)
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// A picture filled with one colour.
  public init(width: Int, height: Int, fill: UInt8 = 0) {
    self.init(
      width: width, height: height, pixels: [UInt8](repeating: fill, count: width * height * 3))
  }

  public var stride: Int { width * 3 }

  /// The (r, g, b) at column x, row y.
  public subscript(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
    let i = (y * width + x) * 3
    return (pixels[i], pixels[i + 1], pixels[i + 2])
  }
}
