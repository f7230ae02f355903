public import VideoIO

/// Writes single pictures through the video layer: FFmpeg's `image2` muxer and PNG encoder,
/// under a temporary name renamed into place like every output.
public enum PictureFile {
  /// Writes `image` as a PNG file.
  /// - Throws: `VideoIOError` naming the file and the cause.
  public static func writePNG(_ image: RGBImage, to path: String) throws(VideoIOError) {
    let settings = OutputSettings(
      format: "image2", codec: "png", crf: nil, includeAudio: false,
      formatOptions: [("update", "1")])
    let writer = try VideoWriter(
      path, width: image.width, height: image.height, timeBase: Rational(1, 25),
      frameRate: Rational(25, 1), settings: settings)
    try writer.write(image, pts: 0, duration: 1)
    try writer.finish()
  }
}
