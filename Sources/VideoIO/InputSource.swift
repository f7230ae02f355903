/// What the user named as input, resolved to what libavformat opens.
///
/// `-` is standard input, `/dev/video*` a V4L2 camera, `scheme://…` a network stream, anything
/// else a file. The protocol whitelist keeps an untrusted input (a playlist, a concat list, a
/// nested demuxer) from reaching any protocol the user did not name: a local file may only
/// open local files, an HTTP stream only HTTP over TCP/TLS, and so on.
public struct InputSource: Sendable, Equatable {
  /// As the user typed it; used in messages.
  public var location: String
  /// What libavformat opens.
  public var url: String
  /// Demuxer or device, when implied or given.
  public var format: String?
  /// A camera or a network stream: frames arrive in real time and may be dropped.
  public var isLive: Bool
  /// Comma-separated protocols the input may open, or nil where protocols do not apply.
  public var protocolWhitelist: String?

  public init(_ location: String, format: String? = nil) {
    self.location = location
    self.format = format
    if location == "-" {
      url = "pipe:0"
      isLive = false
      protocolWhitelist = "pipe"
      return
    }
    url = location
    if location.hasPrefix("/dev/video") {
      self.format = format ?? "v4l2"
      isLive = true
      protocolWhitelist = nil
      return
    }
    if let deviceFormat = format, InputSource.deviceFormats.contains(deviceFormat) {
      isLive = deviceFormat != "lavfi"
      protocolWhitelist = nil
      return
    }
    guard let scheme = InputSource.scheme(of: location) else {
      isLive = false
      protocolWhitelist = "file"
      return
    }
    isLive = InputSource.liveSchemes.contains(scheme)
    protocolWhitelist = InputSource.whitelist(forScheme: scheme)
  }

  /// Whether the input is a path on the local file system.
  public var isFile: Bool { protocolWhitelist == "file" && !location.hasPrefix("file:") }

  static let deviceFormats: Set<String> = [
    "v4l2", "video4linux2", "lavfi", "x11grab", "alsa", "pulse", "fbdev", "kmsgrab", "openal",
    "jack", "oss", "dv1394", "iec61883", "libdc1394", "sndio", "xcbgrab",
  ]
  static let liveSchemes: Set<String> = [
    "udp", "rtp", "rtsp", "rtsps", "rtmp", "rtmps", "tcp", "srt", "http", "https",
  ]

  /// The scheme of `scheme://…` (or `scheme:` for FFmpeg's `pipe:`/`file:`), lower-cased.
  static func scheme(of location: String) -> String? {
    guard let colon = location.firstIndex(of: ":") else { return nil }
    let scheme = location[..<colon]
    guard scheme.count >= 2,
      scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
    else { return nil }  // "C:" drive letters and odd paths are files
    let rest = location[location.index(after: colon)...]
    if rest.hasPrefix("//") || ["file", "pipe"].contains(scheme.lowercased()) {
      return scheme.lowercased()
    }
    return nil
  }

  /// The protocols an input of this scheme may use, itself included.
  static func whitelist(forScheme scheme: String) -> String {
    switch scheme {
    case "http": return "http,tcp"
    case "https": return "https,tls,tcp"
    case "rtsp": return "rtsp,rtp,udp,tcp"
    case "rtsps": return "rtsps,rtsp,rtp,udp,tcp,tls"
    case "rtp": return "rtp,udp"
    case "rtmp": return "rtmp,tcp"
    case "rtmps": return "rtmps,rtmp,tls,tcp"
    case "srt": return "srt"
    default: return scheme
    }
  }
}
