/// Where rendered frames go: an encoded file or stream (``VideoWriter``), or the live view
/// served to browsers (``LiveView``).
public protocol VideoOutput: AnyObject {
  /// As the user named it.
  var destination: String { get }
  var audioMode: AudioMode { get }
  var framesWritten: Int { get }
  /// One frame; `pts` and `duration` in the time base the output was opened with.
  func write(_ image: RGBImage, pts: Int64, duration: Int64) throws(VideoIOError)
  /// An audio packet of the reader the output was opened with (ignored where there is no
  /// audio).
  func write(_ packet: AudioPacket) throws(VideoIOError)
  /// Completes the output (trailer and rename, or the end of every viewer's stream).
  func finish() throws(VideoIOError)
}

extension VideoWriter: VideoOutput {}

/// Opens what `destination` names: the live view for `http://…` with `--format mpjpeg` (or a
/// `.mjpg` path), else a ``VideoWriter``.
/// - Parameter realTimeInput: frames already arrive at their own pace (a camera, a stream);
///   otherwise the live view shows them at the pace of their timestamps.
public func openVideoOutput(
  _ destination: String, width: Int, height: Int, timeBase: Rational, frameRate: Rational,
  settings: OutputSettings = OutputSettings(), audioFrom reader: VideoReader? = nil,
  realTimeInput: Bool = false
) throws(VideoIOError) -> any VideoOutput {
  if let address = try LiveViewAddress.parse(destination, format: settings.format) {
    return try LiveView(
      destination, address: address, width: width, height: height, timeBase: timeBase,
      quality: settings.crf.map { 2 + $0 / 8 } ?? 4, paced: !realTimeInput)
  }
  return try VideoWriter(
    destination, width: width, height: height, timeBase: timeBase, frameRate: frameRate,
    settings: settings, audioFrom: reader)
}
