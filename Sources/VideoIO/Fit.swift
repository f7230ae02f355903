/// How a picture is fitted into a box of another shape (CLI `--fit`).
public enum Fit: String, Sendable, CaseIterable {
  /// Resize to the box, ignoring the aspect ratio.
  case stretch
  /// Centre crop to the box's aspect ratio, then resize.
  case crop
  /// Letterbox: resize to fit inside, fill the bars.
  case pad
}

/// The resampling filter of a resize.
public enum ScaleFilter: Sendable {
  case bilinear
  /// Pixel-area averaging, as OpenCV's INTER_AREA: best for shrinking.
  case area
  case bicubic
}

/// Where a fitted picture's content is: the part of the source used (crop) or the part of the
/// destination filled (stretch, pad), in pixels.
public struct PixelRect: Sendable, Equatable {
  public var x: Int, y: Int, width: Int, height: Int
  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }
}
