public import VideoIO

/// Makes the output picture of one frame: the heat map placed over the full frame and blended
/// (``Overlay``), the class label drawn on it, and with `sideBySide` the original frame to the
/// left of the overlay.
public struct FrameComposer: Sendable {
  public var overlay: Overlay
  public var drawsLabel: Bool
  public var sideBySide: Bool

  public init(overlay: Overlay = Overlay(), drawsLabel: Bool = true, sideBySide: Bool = false) {
    self.overlay = overlay
    self.drawsLabel = drawsLabel
    self.sideBySide = sideBySide
  }

  /// The output size for frames of a given size.
  public func outputSize(width: Int, height: Int) -> (width: Int, height: Int) {
    (sideBySide ? 2 * width : width, height)
  }

  /// The composed picture.
  /// - Parameters:
  ///   - frame: the full decoded frame.
  ///   - map: the heat map over the frame (`frame.width × frame.height`, in [0, 1]), as
  ///     ``HeatmapPlacement/place(_:)`` returns it.
  ///   - label: the text of the label (class name and probability).
  public func compose(_ frame: RGBImage, map: [Float], label: String) -> RGBImage {
    precondition(map.count == frame.width * frame.height, "map size differs from the frame")
    let indices = [UInt8](unsafeUninitializedCapacity: map.count) { out, initialized in
      for i in 0..<map.count { out[i] = UInt8(truncatingIfNeeded: Colormap.index(map[i])) }
      initialized = map.count
    }
    return compose(frame, indices: indices, label: label)
  }

  /// The composed picture from the map's colormap entries over the frame, as
  /// ``HeatmapPlacement/colormapIndices(_:)`` makes them (no full-frame float map).
  func compose(_ frame: RGBImage, indices: [UInt8], label: String) -> RGBImage {
    var table: [UInt8] = []
    return compose(frame, indices: indices, label: label, table: &table, pool: nil)
  }

  /// The composed picture, made in the frame's own pixels.
  ///
  /// The pipeline's path: it needs the decoded frame no more, so it needs no new frame-sized
  /// memory (side by side, the picture is a buffer from `pool` and the frame's pixels go back to
  /// it). `table` is the blend's working memory, kept between frames.
  func compose(
    _ frame: consuming RGBImage, indices: [UInt8], label: String, table: inout [UInt8],
    pool: PixelBufferPool?
  ) -> RGBImage {
    let scale = BitmapFont.scale(forHeight: frame.height)
    guard sideBySide else {
      var picture = frame
      overlay.blend(&picture, indices: indices, table: &table)
      if drawsLabel {
        BitmapFont.drawLabel(label, on: &picture, x: 4 * scale, y: 4 * scale, scale: scale)
      }
      return picture
    }
    // The original on the left, the overlay blended straight into the right half.
    let (width, height, row) = (frame.width, frame.height, frame.stride)
    let count = 2 * frame.pixels.count
    var pixels = pool?.take(count: count) ?? [UInt8](unspecified: count)
    pixels.withUnsafeMutableBufferPointer { out in
      frame.pixels.withUnsafeBufferPointer { left in
        guard let dst = out.baseAddress, let src = left.baseAddress else { return }
        for y in 0..<height { (dst + 2 * row * y).update(from: src + row * y, count: row) }
        overlay.blend(
          from: src, width: width, height: height, indices: indices, into: dst + row,
          stride: 2 * row, table: &table)
      }
    }
    pool?.recycle(frame.pixels)
    var picture = RGBImage(width: 2 * width, height: height, pixels: pixels)
    if drawsLabel {
      // Where it falls on the overlay alone, clipped by the same right and bottom edges.
      BitmapFont.drawLabel(label, on: &picture, x: width + 4 * scale, y: 4 * scale, scale: scale)
    }
    return picture
  }

  /// `tabby 0.42`: the label text for a class and its probability.
  public static func labelText(_ name: String, probability: Float) -> String {
    let hundredths = Int((min(max(probability, 0), 1) * 100).rounded())
    let fraction = hundredths % 100
    return "\(name) \(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }
}
