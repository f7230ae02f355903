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
    var blended = overlay.blend(frame, indices: indices)
    if drawsLabel {
      let scale = BitmapFont.scale(forHeight: frame.height)
      BitmapFont.drawLabel(label, on: &blended, x: 4 * scale, y: 4 * scale, scale: scale)
    }
    guard sideBySide else { return blended }
    var pixels = [UInt8](repeating: 0, count: frame.pixels.count * 2)
    let row = frame.stride
    pixels.withUnsafeMutableBufferPointer { out in
      frame.pixels.withUnsafeBufferPointer { left in
        blended.pixels.withUnsafeBufferPointer { right in
          for y in 0..<frame.height {
            let o = y * 2 * row
            for i in 0..<row {
              out[o + i] = left[y * row + i]
              out[o + row + i] = right[y * row + i]
            }
          }
        }
      }
    }
    return RGBImage(width: 2 * frame.width, height: frame.height, pixels: pixels)
  }

  /// `tabby 0.42`: the label text for a class and its probability.
  public static func labelText(_ name: String, probability: Float) -> String {
    let hundredths = Int((min(max(probability, 0), 1) * 100).rounded())
    let fraction = hundredths % 100
    return "\(name) \(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }
}
