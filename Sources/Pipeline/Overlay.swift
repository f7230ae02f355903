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
  ///
  /// Both terms of the blend take 256 values per channel, so the sum `heat + image` takes at
  /// most 768 × 256: a first pass finds the peak (and which colormap entries occur), then every
  /// output byte is one lookup in a table of `⌊255·(heat + image) / peak⌋` made for the entries
  /// that occur. Every value is computed with the reference's operation order
  /// (`(1 − w)·(heat / 255)`, `w·(image / 255)`, `255·(sum / peak)`), so the sums and their
  /// truncation to 8 bits come out the same as computing them per pixel.
  func blend(_ image: RGBImage, indices: [UInt8]) -> RGBImage {
    let count = image.width * image.height
    precondition(indices.count == count, "map size differs from the picture")
    let heatWeight = 1 - imageWeight
    let lut = colormap.table
    var heatTerms = [Float](repeating: 0, count: 768)
    var imageTerms = [Float](repeating: 0, count: 256)
    for i in 0..<768 { heatTerms[i] = heatWeight * (Float(lut[i]) / 255) }
    for v in 0..<256 { imageTerms[v] = imageWeight * (Float(v) / 255) }
    var seen = [Bool](repeating: false, count: 256)
    let peak = Self.peak(
      image.pixels, indices: indices, heatTerms: heatTerms, imageTerms: imageTerms, seen: &seen)
    // An all-black picture under a zero map blends to 0 everywhere: keep it black.
    guard peak > 0 else { return RGBImage(width: image.width, height: image.height, fill: 0) }
    // Row `3·entry + channel` of 256 bytes, for the entries present.
    var table = [UInt8](repeating: 0, count: 768 * 256)
    table.withUnsafeMutableBytes { t in
      imageTerms.withUnsafeBytes { terms in
        for entry in 0..<256 where seen[entry] {
          for c in 0..<3 {
            // `UInt8(min(255, 255 * ((heat + image) / peak)))`, 8 bytes at a time.
            let heat = SIMD8<Float>(repeating: heatTerms[3 * entry + c])
            let row = (3 * entry + c) * 256
            for v in stride(from: 0, to: 256, by: 8) {
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
    let pixels = [UInt8](unsafeUninitializedCapacity: 3 * count) { out, initialized in
      table.withUnsafeBufferPointer { t in
        image.pixels.withUnsafeBufferPointer { px in
          indices.withUnsafeBufferPointer { ix in
            for i in 0..<count {
              let row = Int(ix[i]) &* 768
              let o = 3 &* i
              out[o] = t[row &+ Int(px[o])]
              out[o &+ 1] = t[row &+ 256 &+ Int(px[o &+ 1])]
              out[o &+ 2] = t[row &+ 512 &+ Int(px[o &+ 2])]
            }
          }
        }
      }
      initialized = 3 * count
    }
    return RGBImage(width: image.width, height: image.height, pixels: pixels)
  }

  /// The largest blended value `heat + image` over every pixel and channel; marks the colormap
  /// entries that occur in `seen`.
  ///
  /// Along a run of pixels with the same entry only the brightest byte per channel can give the
  /// run's largest sum: `fl(h + w·(v / 255))` never decreases as `v` grows (each rounding is
  /// monotonic), so the sums are formed once per run, from those bytes, with the same operations.
  private static func peak(
    _ pixels: [UInt8], indices: [UInt8], heatTerms: [Float], imageTerms: [Float],
    seen: inout [Bool]
  ) -> Float {
    var peak: Float = 0
    heatTerms.withUnsafeBufferPointer { h in
      imageTerms.withUnsafeBufferPointer { im in
        pixels.withUnsafeBufferPointer { px in
          indices.withUnsafeBufferPointer { ix in
            seen.withUnsafeMutableBufferPointer { s in
              func close(_ entry: UInt8, _ r: UInt8, _ g: UInt8, _ b: UInt8) {
                let t = 3 &* Int(entry)
                s[Int(entry)] = true
                let sr = h[t] + im[Int(r)]
                let sg = h[t &+ 1] + im[Int(g)]
                let sb = h[t &+ 2] + im[Int(b)]
                peak = max(peak, max(sr, max(sg, sb)))
              }
              guard ix.count > 0 else { return }
              var entry = ix[0]
              var (r, g, b) = (UInt8(0), UInt8(0), UInt8(0))
              for i in 0..<ix.count {
                let e = ix[i]
                if e != entry {
                  close(entry, r, g, b)
                  entry = e
                  (r, g, b) = (0, 0, 0)
                }
                let o = 3 &* i
                r = max(r, px[o])
                g = max(g, px[o &+ 1])
                b = max(b, px[o &+ 2])
              }
              close(entry, r, g, b)
            }
          }
        }
      }
    }
    return peak
  }
}
