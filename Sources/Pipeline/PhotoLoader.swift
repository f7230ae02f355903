public import VideoIO

/// Loads a photo through the video layer (FFmpeg's image demuxers: PNG, JPEG with EXIF
/// orientation, BMP, WebP, 16-bit, palette, RGBA...): the first frame, upright, as RGB.
public enum PhotoLoader {
  public static func load(_ path: String) throws(VideoIOError) -> RGBImage {
    let reader = try VideoReader(path)
    guard let frame = try reader.nextFrame() else {
      throw VideoIOError(.invalidData, path: path, operation: "read", reason: "it holds no picture")
    }
    return frame.image
  }
}
