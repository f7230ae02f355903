internal import CVideoShim

/// One decoded frame, upright, as packed RGB at full resolution, with its exact timestamp.
public struct VideoFrame: Sendable {
  /// Position in decode order, from 0.
  public var index: Int
  /// Presentation timestamp in `timeBase` units (best-effort), nil when the stream has none.
  public var pts: Int64?
  public var timeBase: Rational
  /// Duration in `timeBase` units, 0 when unknown.
  public var duration: Int64
  public var isKeyFrame: Bool
  /// The decoder flagged this frame as damaged.
  public var isCorrupt: Bool
  /// The picture, upright (display rotation applied).
  public var image: RGBImage
  /// The resized copy asked for with `InputOptions.scaled`.
  public var scaled: ScaledImage?

  /// The presentation time in seconds, nil when unknown.
  public var seconds: Double? { pts.map { timeBase.seconds($0) } }
}

/// A resized picture and where the source's content lies in it.
public struct ScaledImage: Sendable {
  public var image: RGBImage
  public var fit: Fit
  /// Where the content is: for crop, the part of the full frame used; for stretch and pad, the
  /// part of `image` filled.
  public var content: PixelRect
}

/// An encoded audio packet travelling from an input to an output, untouched.
public final class AudioPacket: @unchecked Sendable {
  // Immutable after creation; freed once, in deinit.
  let handle: OpaquePointer

  init(handle: OpaquePointer) { self.handle = handle }

  /// Presentation time in seconds (negative when unknown).
  public var seconds: Double { cv_packet_time_s(handle) }

  deinit {
    var h: OpaquePointer? = handle
    cv_packet_free(&h)
  }
}
