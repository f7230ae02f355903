/// A single-channel map in row-major order (`values[y * width + x]`): a CAM at layer or input
/// resolution.
public struct Heatmap: Sendable, Equatable {
  /// Columns.
  public var width: Int
  /// Rows.
  public var height: Int
  /// `width × height` values, row by row.
  public var values: [Float]

  /// A map of the given size.
  ///
  /// - Precondition: `values.count == width * height`.
  public init(width: Int, height: Int, values: [Float]) {
    precondition(width >= 0 && height >= 0 && values.count == width * height, "map size")
    self.width = width
    self.height = height
    self.values = values
  }

  /// A map of zeros.
  public init(width: Int, height: Int) {
    self.init(width: width, height: height, values: [Float](repeating: 0, count: width * height))
  }

  /// The largest value (0 for an empty map).
  public var maximum: Float { values.max() ?? 0 }

  /// pytorch-grad-cam's per-map min-max (`scale_cam_image`).
  ///
  /// Subtracts the minimum, then divides by `1e-7 + max` of the result. A constant map becomes all zeros; the maximum becomes
  /// just under 1.
  public func normalized() -> Heatmap {
    guard let lo = values.min() else { return self }
    var v = values.map { $0 - lo }
    let hi = v.max() ?? 0
    let scale = 1e-7 + hi
    for i in v.indices { v[i] /= scale }
    return Heatmap(width: width, height: height, values: v)
  }

  /// Negative values set to 0.
  public func rectified() -> Heatmap {
    Heatmap(width: width, height: height, values: values.map { max($0, 0) })
  }

  /// Left and right exchanged.
  public func flippedHorizontally() -> Heatmap {
    var v = values
    for y in 0..<height {
      for x in 0..<width { v[y * width + x] = values[y * width + width - 1 - x] }
    }
    return Heatmap(width: width, height: height, values: v)
  }

  /// Bilinear resampling with OpenCV's `cv2.resize(…, INTER_LINEAR)` geometry.
  ///
  /// Pixel centres at half-integers (`src = (dst + 0.5) · in / out − 0.5`), coordinates clamped to the edge
  /// pixels. What pytorch-grad-cam uses to bring a map to the input size.
  ///
  /// - Parameters:
  ///   - width: output columns (> 0).
  ///   - height: output rows (> 0).
  public func resized(width newWidth: Int, height newHeight: Int) -> Heatmap {
    if newWidth == width && newHeight == height { return self }
    guard width > 0, height > 0, newWidth > 0, newHeight > 0 else {
      return Heatmap(width: max(newWidth, 0), height: max(newHeight, 0))
    }
    let xs = Self.taps(from: width, to: newWidth)
    let ys = Self.taps(from: height, to: newHeight)
    var out = [Float](repeating: 0, count: newWidth * newHeight)
    values.withUnsafeBufferPointer { src in
      for (oy, ty) in ys.enumerated() {
        let r0 = ty.index * width
        let r1 = min(ty.index + 1, height - 1) * width
        for (ox, tx) in xs.enumerated() {
          let c1 = min(tx.index + 1, width - 1)
          let top = src[r0 + tx.index] * (1 - tx.fraction) + src[r0 + c1] * tx.fraction
          let bottom = src[r1 + tx.index] * (1 - tx.fraction) + src[r1 + c1] * tx.fraction
          out[oy * newWidth + ox] = top * (1 - ty.fraction) + bottom * ty.fraction
        }
      }
    }
    return Heatmap(width: newWidth, height: newHeight, values: out)
  }

  /// Source index and fraction of each output coordinate, as OpenCV computes them.
  static func taps(from source: Int, to target: Int) -> [(index: Int, fraction: Float)] {
    let scale = Double(source) / Double(target)
    return (0..<target).map { d in
      let f = (Double(d) + 0.5) * scale - 0.5
      var i = Int(f.rounded(.down))
      var fraction = Float(f - Double(i))
      if i < 0 {
        i = 0
        fraction = 0
      }
      if i >= source - 1 {
        i = source - 1
        fraction = 0
      }
      return (i, fraction)
    }
  }

  /// Bilinear resampling with `align_corners=True` geometry (corners on corners,
  /// `src = dst · (in − 1) / (out − 1)`): PyTorch's `UpsamplingBilinear2d`, which ScoreCAM uses
  /// for its masks.
  func resizedAligningCorners(width newWidth: Int, height newHeight: Int) -> Heatmap {
    let xs = Self.alignedTaps(from: width, to: newWidth)
    let ys = Self.alignedTaps(from: height, to: newHeight)
    var out = [Float](repeating: 0, count: newWidth * newHeight)
    for (oy, ty) in ys.enumerated() {
      let r0 = ty.index * width
      let r1 = min(ty.index + 1, height - 1) * width
      for (ox, tx) in xs.enumerated() {
        let c1 = min(tx.index + 1, width - 1)
        let top = values[r0 + tx.index] * (1 - tx.fraction) + values[r0 + c1] * tx.fraction
        let bottom = values[r1 + tx.index] * (1 - tx.fraction) + values[r1 + c1] * tx.fraction
        out[oy * newWidth + ox] = top * (1 - ty.fraction) + bottom * ty.fraction
      }
    }
    return Heatmap(width: newWidth, height: newHeight, values: out)
  }

  static func alignedTaps(from source: Int, to target: Int) -> [(index: Int, fraction: Float)] {
    let scale = target > 1 ? Double(source - 1) / Double(target - 1) : 0
    return (0..<target).map { d in
      let f = Double(d) * scale
      let i = min(Int(f.rounded(.down)), source - 1)
      return (i, Float(f - Double(i)))
    }
  }
}
