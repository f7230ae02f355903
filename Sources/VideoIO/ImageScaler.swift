internal import CVideoShim

/// Resizes packed RGB pictures with a fit.
///
/// Keeps its swscale context between calls of the same geometry. Not thread-safe: one per thread.
public final class ImageScaler {
  private var handle: OpaquePointer?

  public init() throws(VideoIOError) {
    try check(cv_scaler_create(&handle), "create a scaler", path: "")
  }

  deinit { cv_scaler_free(&handle) }

  /// Resizes `image` into a `width`×`height` picture.
  /// - Parameters:
  ///   - fit: stretch, centre-crop or letterbox.
  ///   - filter: the resampling filter (area for shrinking).
  ///   - padValue: the grey level of letterbox bars.
  /// - Returns: the picture and where the content lies.
  public func scale(
    _ image: RGBImage, width: Int, height: Int, fit: Fit = .stretch, filter: ScaleFilter = .area,
    padValue: UInt8 = 0
  ) throws(VideoIOError) -> ScaledImage {
    precondition(width > 0 && height > 0, "scale target must be positive")
    var out = [UInt8](repeating: 0, count: width * height * 3)
    var rect = cv_rect()
    let code = image.pixels.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        cv_scaler_scale(
          handle, src.baseAddress, Int32(image.width), Int32(image.height), Int32(image.stride),
          dst.baseAddress, Int32(width), Int32(height), Int32(width * 3), fit.code, filter.code,
          padValue, &rect)
      }
    }
    try check(code, "resize a frame to \(width)x\(height)", path: "")
    return ScaledImage(
      image: RGBImage(width: width, height: height, pixels: out), fit: fit,
      content: PixelRect(
        x: Int(rect.x), y: Int(rect.y), width: Int(rect.width), height: Int(rect.height)))
  }
}

extension Fit {
  var code: Int32 {
    switch self {
    case .stretch: Int32(CV_FIT_STRETCH)
    case .crop: Int32(CV_FIT_CROP)
    case .pad: Int32(CV_FIT_PAD)
    }
  }
}

extension ScaleFilter {
  var code: Int32 {
    switch self {
    case .bilinear: Int32(CV_SCALE_BILINEAR)
    case .area: Int32(CV_SCALE_AREA)
    case .bicubic: Int32(CV_SCALE_BICUBIC)
    }
  }
}
