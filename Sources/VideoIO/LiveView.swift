internal import Dispatch
internal import Foundation

/// The live view: every frame as a JPEG to every browser watching.
///
/// `http://HOST:PORT/PATH` is a `multipart/x-mixed-replace` stream, and `/` a page showing it.
/// Frames from a file are shown at the pace of their timestamps, as a player would; frames
/// from a live source as soon as they are ready. There is no audio.
public final class LiveView: VideoOutput {
  public let destination: String
  /// Where to watch, with the port actually bound.
  public let url: String
  /// The page that shows the stream (the stream itself when it is served at `/`).
  public let pageURL: String
  public let audioMode = AudioMode.none
  public private(set) var framesWritten = 0
  private let encoder: JPEGEncoder
  private let server: LiveViewServer
  private let timeBase: Rational
  private let paced: Bool
  private var clock: (wall: UInt64, seconds: Double)?
  private var finished = false

  /// Starts serving.
  /// - Parameters:
  ///   - quality: JPEG quantiser scale, 2 (best) to 31.
  ///   - paced: hold each frame until its timestamp is due (file input).
  /// - Throws: `VideoIOError` when the address cannot be bound (in use, not local...).
  public init(
    _ destination: String, address: LiveViewAddress, width: Int, height: Int, timeBase: Rational,
    quality: Int = 4, paced: Bool = true
  ) throws(VideoIOError) {
    self.destination = destination
    self.timeBase = timeBase
    self.paced = paced
    encoder = try JPEGEncoder(width: width, height: height, quality: quality, path: destination)
    server = try LiveViewServer(address, destination: destination)
    url = address.url(port: server.port)
    pageURL = address.url(port: server.port, path: "/")
  }

  deinit { server.close() }

  /// Viewers connected now.
  public var viewers: Int { server.viewers }

  public func write(_ image: RGBImage, pts: Int64, duration: Int64) throws(VideoIOError) {
    guard !finished else {
      throw VideoIOError(
        .invalidArgument, path: destination, operation: "write", reason: "the live view has ended")
    }
    let jpeg = try encoder.encode(image, path: destination)
    if paced { waitUntilDue(pts) }
    server.publish(jpeg)
    framesWritten += 1
  }

  public func write(_ packet: AudioPacket) throws(VideoIOError) {}

  /// Ends every viewer's stream after the last frame and stops serving.
  public func finish() throws(VideoIOError) {
    finished = true
    server.close()
  }

  /// Sleeps until the frame at `pts` is due on a clock started by the first frame.
  ///
  /// A jump in the timestamps, or a frame more than a quarter second late (the render is
  /// slower than real time), restarts the clock: the view never fast-forwards to catch up.
  private func waitUntilDue(_ pts: Int64) {
    let seconds = Double(pts) * timeBase.value
    let now = DispatchTime.now().uptimeNanoseconds
    guard let clock else {
      self.clock = (now, seconds)
      return
    }
    let ahead = (seconds - clock.seconds) - Double(now - clock.wall) / 1e9
    if ahead > 1 || ahead < -0.25 {
      self.clock = (now, seconds)
    } else if ahead > 0 {
      usleep(UInt32(ahead * 1e6))
    }
  }
}
