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
    let indices = [UInt8](unsafeUninitializedCapacity: map.count) { out, initialized in
      map.withUnsafeBufferPointer { m in
        for i in 0..<m.count { out[i] = UInt8(truncatingIfNeeded: Colormap.index(m[i])) }
      }
      initialized = map.count
    }
    return blend(image, indices: indices)
  }

  /// The blended picture from the map's colormap entries (`⌊255·map⌋` per pixel, as
  /// ``HeatmapPlacement/colormapIndices(_:)`` makes them): the same pixels as
  /// ``blend(_:map:)``.
  func blend(_ image: RGBImage, indices: [UInt8]) -> RGBImage {
    var out = image
    var table: [UInt8] = []
    blend(&out, indices: indices, table: &table)
    return out
  }

  /// Blends `image` in place.
  ///
  /// The video path: its decoded frame is not needed afterwards, so the overlay needs no second
  /// frame-sized buffer. `table` is working memory the caller keeps between frames (its contents
  /// do not matter).
  func blend(_ image: inout RGBImage, indices: [UInt8], table: inout [UInt8]) {
    let (width, height) = (image.width, image.height)
    precondition(indices.count == width * height, "map size differs from the picture")
    image.pixels.withUnsafeMutableBufferPointer { px in
      guard let base = px.baseAddress else { return }
      blend(
        from: UnsafePointer(base), width: width, height: height, indices: indices, into: base,
        stride: 3 * width, table: &table)
    }
  }

  /// The blend of the packed picture at `source` (`width × height`, rows of `3·width` bytes)
  /// written to rows of `stride` bytes at `destination`, which may be `source` itself (each
  /// byte is read before it is written) or part of a wider picture (side by side).
  ///
  /// Both terms of the blend take 256 values per channel, so the sum `heat + image` takes at
  /// most 768 × 256: a first pass finds the peak (and the range of colormap entries that occur,
  /// see ``OverlayPeak``), then every output byte is one lookup in a table of
  /// `⌊255·(heat + image) / peak⌋` made for the entries in that range (the rows of the others
  /// are never read, so they are left as they are). Every
  /// value is computed with the reference's operation order (`(1 − w)·(heat / 255)`,
  /// `w·(image / 255)`, `255·(sum / peak)`), so the sums and their truncation to 8 bits come out
  /// the same as computing them per pixel.
  func blend(
    from source: UnsafePointer<UInt8>, width: Int, height: Int, indices: [UInt8],
    into destination: UnsafeMutablePointer<UInt8>, stride: Int, table: inout [UInt8]
  ) {
    let count = width * height
    precondition(indices.count == count && stride >= 3 * width, "map size differs from the picture")
    let heatWeight = 1 - imageWeight
    let lut = colormap.table
    var heatTerms = [Float](repeating: 0, count: 768)
    var imageTerms = [Float](repeating: 0, count: 256)
    for i in 0..<768 { heatTerms[i] = heatWeight * (Float(lut[i]) / 255) }
    for v in 0..<256 { imageTerms[v] = imageWeight * (Float(v) / 255) }
    let (peak, entries) = indices.withUnsafeBufferPointer { ix in
      OverlayPeak.peak(
        UnsafeBufferPointer(start: source, count: 3 * count), indices: ix, heatTerms: heatTerms,
        imageTerms: imageTerms)
    }
    // An all-black picture under a zero map blends to 0 everywhere: keep it black.
    guard peak > 0, let entries else {
      for y in 0..<height { (destination + y * stride).update(repeating: 0, count: 3 * width) }
      return
    }
    // Row `3·entry + channel` of 256 bytes, for the entries in the range.
    table.resize(unspecified: 768 * 256)
    table.withUnsafeMutableBytes { t in
      imageTerms.withUnsafeBytes { terms in
        for entry in entries {
          for c in 0..<3 {
            // `UInt8(min(255, 255 * ((heat + image) / peak)))`, 8 bytes at a time.
            let heat = SIMD8<Float>(repeating: heatTerms[3 * entry + c])
            let row = (3 * entry + c) * 256
            for v in Swift.stride(from: 0, to: 256, by: 8) {
              let image = terms.loadUnaligned(fromByteOffset: 4 * v, as: SIMD8<Float>.self)
              var x = 255 * ((heat + image) / peak)
              x.replace(with: 255, where: x .>= 255)
              t.storeBytes(
                of: SIMD8<UInt8>(truncatingIfNeeded: Colormap.floorBits(x)), toByteOffset: row + v,
                as: SIMD8<UInt8>.self)
            }
          }
        }
      }
    }
    table.withUnsafeBufferPointer { t in
      indices.withUnsafeBufferPointer { ix in
        for y in 0..<height {
          let px = source + 3 * width * y
          let out = destination + stride * y
          let entries = y * width
          for x in 0..<width {
            let row = Int(ix[entries &+ x]) &* 768
            let o = 3 &* x
            out[o] = t[row &+ Int(px[o])]
            out[o &+ 1] = t[row &+ 256 &+ Int(px[o &+ 1])]
            out[o &+ 2] = t[row &+ 512 &+ Int(px[o &+ 2])]
          }
        }
      }
    }
  }
}
