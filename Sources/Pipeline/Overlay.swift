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
    let count = map.count
    // Both terms of the blend take 256 values per channel: tabulate them once, with the
    // reference's operation order (`(1 − w)·(heat / 255)`, `w·(image / 255)`) so that the sums,
    // and their truncation to 8 bits, come out the same.
    let heatWeight = 1 - imageWeight
    let lut = colormap.table
    var heatTerms = [Float](repeating: 0, count: 768)
    var imageTerms = [Float](repeating: 0, count: 256)
    for i in 0..<768 { heatTerms[i] = heatWeight * (Float(lut[i]) / 255) }
    for v in 0..<256 { imageTerms[v] = imageWeight * (Float(v) / 255) }
    var blended = [Float](repeating: 0, count: 3 * count)
    var peak: Float = 0
    image.pixels.withUnsafeBufferPointer { px in
      blended.withUnsafeMutableBufferPointer { out in
        for i in 0..<count {
          let t = 3 * Colormap.index(map[i])
          let o = 3 * i
          let r = heatTerms[t] + imageTerms[Int(px[o])]
          let g = heatTerms[t + 1] + imageTerms[Int(px[o + 1])]
          let b = heatTerms[t + 2] + imageTerms[Int(px[o + 2])]
          out[o] = r
          out[o + 1] = g
          out[o + 2] = b
          peak = max(peak, max(r, max(g, b)))
        }
      }
    }
    // An all-black picture under a zero map blends to 0 everywhere: keep it black.
    var pixels = [UInt8](repeating: 0, count: 3 * count)
    if peak > 0 {
      blended.withUnsafeBufferPointer { v in
        pixels.withUnsafeMutableBufferPointer { out in
          for i in 0..<(3 * count) { out[i] = UInt8(min(255, 255 * (v[i] / peak))) }
        }
      }
    }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }
}
