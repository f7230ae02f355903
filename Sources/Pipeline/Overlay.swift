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
                of: Colormap.lowBytes(Colormap.floorBits(x)), toByteOffset: row + v,
                as: SIMD8<UInt8>.self)
            }
          }
        }
      }
    }
    table.withUnsafeBufferPointer { t in
      indices.withUnsafeBufferPointer { ix in
        guard let t = t.baseAddress, let ix = ix.baseAddress else { return }
        for y in 0..<height {
          Self.lookUp(
            source + 3 * width * y, entries: ix + y * width, count: width, table: t,
            into: destination + stride * y)
        }
      }
    }
  }

  /// One row of the blend's second pass: `out[3x + c] = table[768·entry[x] + 256·c + px[3x + c]]`.
  ///
  /// Four pixels at a time: their 12 bytes are read in two loads (all before any store, so `out`
  /// may be `px`) and written in two stores, instead of 12 byte loads and stores interleaved.
  @inline(__always)
  private static func lookUp(
    _ px: UnsafePointer<UInt8>, entries: UnsafePointer<UInt8>, count: Int,
    table t: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>
  ) {
    let source = UnsafeRawPointer(px)
    let destination = UnsafeMutableRawPointer(out)
    /// The table byte for channel `c` of a pixel in row `row` whose byte is `v`'s low byte.
    @inline(__always) func at<T: FixedWidthInteger>(_ row: Int, _ c: Int, _ v: T) -> T {
      T(t[row &+ 256 &* c &+ Int(truncatingIfNeeded: v & 0xFF)])
    }
    var x = 0
    while x &+ 4 <= count {
      let o = 3 &* x
      let low = source.loadUnaligned(fromByteOffset: o, as: UInt64.self)
      let high = source.loadUnaligned(fromByteOffset: o &+ 8, as: UInt32.self)
      let e = UnsafeRawPointer(entries + x).loadUnaligned(as: UInt32.self)
      let r0 = Int(e & 0xFF) &* 768
      let r1 = Int((e >> 8) & 0xFF) &* 768
      let r2 = Int((e >> 16) & 0xFF) &* 768
      let r3 = Int(e >> 24) &* 768
      var a = at(r0, 0, low)
      a |= at(r0, 1, low >> 8) << 8
      a |= at(r0, 2, low >> 16) << 16
      a |= at(r1, 0, low >> 24) << 24
      a |= at(r1, 1, low >> 32) << 32
      a |= at(r1, 2, low >> 40) << 40
      a |= at(r2, 0, low >> 48) << 48
      a |= at(r2, 1, low >> 56) << 56
      var b = at(r2, 2, high)
      b |= at(r3, 0, high >> 8) << 8
      b |= at(r3, 1, high >> 16) << 16
      b |= at(r3, 2, high >> 24) << 24
      destination.storeBytes(of: a, toByteOffset: o, as: UInt64.self)
      destination.storeBytes(of: b, toByteOffset: o &+ 8, as: UInt32.self)
      x &+= 4
    }
    while x < count {
      let row = Int(entries[x]) &* 768
      let o = 3 &* x
      out[o] = t[row &+ Int(px[o])]
      out[o &+ 1] = t[row &+ 256 &+ Int(px[o &+ 1])]
      out[o &+ 2] = t[row &+ 512 &+ Int(px[o &+ 2])]
      x &+= 1
    }
  }
}
