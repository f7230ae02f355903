public import VideoIO

/// Blends a heat map over a picture the way pytorch-grad-cam's `show_cam_on_image` does.
///
/// `heat = colormap(⌊255·map⌋) / 255`, `cam = (1 − w)·heat + w·image / 255`, then
/// `cam / max(cam)` (which re-brightens the result) and `⌊255·cam⌋`, per pixel and channel, with
/// `w` the image weight. The map must already have the picture's size (see ``HeatmapPlacement``
/// for putting a model-resolution map back over a full frame).
public struct Overlay: Sendable, Equatable {
  /// The weight of the picture in the blend, in [0, 1] (`--image-weight`).
  public var imageWeight: Float
  public var colormap: Colormap

  public init(imageWeight: Float = 0.5, colormap: Colormap = .jet) {
    precondition((0...1).contains(imageWeight), "image weight \(imageWeight) outside [0, 1]")
    self.imageWeight = imageWeight
    self.colormap = colormap
  }

  /// The blended picture.
  /// - Parameters:
  ///   - image: the picture.
  ///   - map: `image.width × image.height` values in [0, 1], row-major.
  /// - Returns: a picture of the same size.
  public func blend(_ image: RGBImage, map: [Float]) -> RGBImage {
    precondition(map.count == image.width * image.height, "map size differs from the picture")
    let w = imageWeight
    let heatWeight = 1 - w
    let table = colormap.table
    var blended = [Float](repeating: 0, count: image.pixels.count)
    var peak: Float = 0
    image.pixels.withUnsafeBufferPointer { px in
      table.withUnsafeBufferPointer { lut in
        blended.withUnsafeMutableBufferPointer { out in
          for i in 0..<map.count {
            let t = 3 * Colormap.index(map[i])
            for c in 0..<3 {
              // The reference's operation order, so truncation to 8 bits lands the same way.
              let v = heatWeight * (Float(lut[t + c]) / 255) + w * (Float(px[3 * i + c]) / 255)
              out[3 * i + c] = v
              peak = max(peak, v)
            }
          }
        }
      }
    }
    // An all-black picture under a zero map blends to 0 everywhere: keep it black.
    let pixels = blended.map { peak > 0 ? UInt8(min(255, 255 * ($0 / peak))) : 0 }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }
}
