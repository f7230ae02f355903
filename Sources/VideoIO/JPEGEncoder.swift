internal import CVideoShim

/// Encodes RGB pictures as baseline JPEG (libavcodec's MJPEG encoder, full-range 4:2:0): the
/// frames of the live view.
final class JPEGEncoder {
  let width: Int
  let height: Int
  private var handle: OpaquePointer?

  /// - Parameter quality: JPEG quantiser scale, 2 (best) to 31.
  init(width: Int, height: Int, quality: Int, path: String) throws(VideoIOError) {
    precondition(width > 0 && height > 0)
    self.width = width
    self.height = height
    var h: OpaquePointer?
    let code = cv_jpeg_open(&h, Int32(width), Int32(height), Int32(min(max(quality, 2), 31)))
    try check(code, "open the JPEG encoder", path: path)
    handle = h
  }

  deinit { cv_jpeg_close(&handle) }

  /// The JPEG bytes of one picture of the encoder's size.
  func encode(_ image: RGBImage, path: String) throws(VideoIOError) -> [UInt8] {
    precondition(image.width == width && image.height == height, "picture size differs")
    var data: UnsafePointer<UInt8>?
    var size: Int32 = 0
    let code = image.pixels.withUnsafeBufferPointer {
      cv_jpeg_encode(handle, $0.baseAddress, Int32(image.stride), &data, &size)
    }
    try check(code, "encode a JPEG frame", path: path)
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: Int(size)))
  }
}
