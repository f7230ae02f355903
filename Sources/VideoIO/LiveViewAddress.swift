internal import Foundation

/// Where the live view is served: `http://HOST:PORT/PATH`.
///
/// An output is the live view when it is an `http://` URL and the muxer is `mpjpeg` (`--format
/// mpjpeg`), or no muxer is named and the path ends in `.mjpg`/`.mjpeg`. Other `http://` outputs
/// (`--format flv` to an ingest server...) go to FFmpeg's HTTP client, which sends them there.
public struct LiveViewAddress: Sendable, Equatable {
  /// The address to listen on: `127.0.0.1` when the URL names no host or `localhost`, so the
  /// view is private to this machine unless the user names another interface (`0.0.0.0`).
  public var host: String
  /// 0 picks a free port (reported by ``LiveView/url``).
  public var port: Int
  /// The stream's path; `/` serves a page showing it when the stream lives elsewhere.
  public var path: String

  public init(host: String, port: Int, path: String) {
    self.host = host
    self.port = port
    self.path = path
  }

  /// The live-view address `destination` asks for, or nil when it is not a live view.
  /// - Throws: `VideoIOError` for a live view that cannot be served (HTTPS, a bad port).
  public static func parse(_ destination: String, format: String?) throws(VideoIOError)
    -> LiveViewAddress?
  {
    guard let scheme = InputSource.scheme(of: destination), scheme == "http" || scheme == "https"
    else { return nil }
    let fail = { (reason: String) in
      VideoIOError(
        .invalidArgument, path: destination, operation: "serve the live view", reason: reason)
    }
    guard let components = URLComponents(string: destination) else {
      throw fail("not a valid URL")
    }
    let ext = (components.path as NSString).pathExtension.lowercased()
    let wanted = format == "mpjpeg" || (format == nil && ["mjpg", "mjpeg"].contains(ext))
    guard wanted else { return nil }
    guard scheme == "http" else {
      throw fail("the live view is served over plain HTTP: use http://")
    }
    var host = components.host ?? ""
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    if host.isEmpty || host.lowercased() == "localhost" { host = "127.0.0.1" }
    let port = components.port ?? 80
    guard (0...65535).contains(port) else { throw fail("no such port: \(port)") }
    let path = components.path.isEmpty ? "/" : components.path
    return LiveViewAddress(host: host, port: port, path: path)
  }

  /// `http://host:port/path` (the stream's path unless another is given), with brackets
  /// around an IPv6 host.
  func url(port: Int, path: String? = nil) -> String {
    let shown = host.contains(":") ? "[\(host)]" : host
    return "http://\(shown):\(port)\(path ?? self.path)"
  }
}
