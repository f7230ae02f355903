import Foundation
import Glibc
import Testing

@testable import VideoIO

/// A viewer of the live view: a plain TCP client that sends one GET and reads what comes back.
private final class Viewer {
  let fd: Int32
  private(set) var received: [UInt8] = []

  init(port: Int, path: String) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
    try #require(connected, "cannot connect to 127.0.0.1:\(port)")
    var tv = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
  }

  deinit { close(fd) }

  /// Reads until `done(received)` holds, the server closes, or 5 s pass without data.
  @discardableResult
  func read(until done: ([UInt8]) -> Bool) -> [UInt8] {
    var chunk = [UInt8](repeating: 0, count: 65536)
    while !done(received) {
      let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      guard n > 0 else { break }
      received += chunk[..<n]
    }
    return received
  }

  var text: String { String(decoding: received, as: UTF8.self) }

  /// The JPEG bodies of the multipart parts received so far (complete ones only).
  var parts: [[UInt8]] {
    let key = Array("Content-Length: ".utf8)
    let blank: [UInt8] = [13, 10, 13, 10]
    var out: [[UInt8]] = []
    var i = 0
    while let header = Self.find(key, in: received, from: i) {
      let digits = received[(header + key.count)...].prefix { (48...57).contains($0) }
      guard let length = Int(String(decoding: digits, as: UTF8.self)),
        let body = Self.find(blank, in: received, from: header).map({ $0 + 4 }),
        body + length <= received.count
      else { break }
      out.append(Array(received[body..<body + length]))
      i = body + length
    }
    return out
  }

  static func find(_ needle: [UInt8], in hay: [UInt8], from start: Int) -> Int? {
    guard hay.count >= needle.count, start <= hay.count - needle.count else { return nil }
    return (start...(hay.count - needle.count)).first {
      hay[$0..<$0 + needle.count].elementsEqual(needle)
    }
  }
}

private func isJPEG(_ bytes: [UInt8]) -> Bool {
  bytes.count > 4 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[bytes.count - 2] == 0xFF
    && bytes[bytes.count - 1] == 0xD9
}

@Suite("Live view")
struct LiveViewTests {
  @Test("http:// with mpjpeg or a .mjpg path is the live view, on loopback unless told otherwise")
  func addresses() throws {
    let a = try #require(try LiveViewAddress.parse("http://127.0.0.1:8090/live.mjpg", format: nil))
    #expect(a == LiveViewAddress(host: "127.0.0.1", port: 8090, path: "/live.mjpg"))
    let b = try #require(try LiveViewAddress.parse("http://localhost:9000/cam", format: "mpjpeg"))
    #expect(b == LiveViewAddress(host: "127.0.0.1", port: 9000, path: "/cam"))
    let c = try #require(try LiveViewAddress.parse("http://:8091", format: "mpjpeg"))
    #expect(c == LiveViewAddress(host: "127.0.0.1", port: 8091, path: "/"))
    let d = try #require(try LiveViewAddress.parse("http://0.0.0.0:8092/v.mjpeg", format: nil))
    #expect(d.host == "0.0.0.0")
    let e = try #require(try LiveViewAddress.parse("http://[::1]:8093/v.mjpg", format: nil))
    #expect(e.host == "::1" && e.url(port: 8093) == "http://[::1]:8093/v.mjpg")
    // Other muxers over HTTP go to FFmpeg's client; files are files.
    #expect(try LiveViewAddress.parse("http://127.0.0.1:8090/live.flv", format: "flv") == nil)
    #expect(try LiveViewAddress.parse("http://127.0.0.1:8090/live.mjpg", format: "mjpeg") == nil)
    #expect(try LiveViewAddress.parse("out.mjpg", format: nil) == nil)
    #expect(try LiveViewAddress.parse("/tmp/out.mjpg", format: "mpjpeg") == nil)
    #expect(throws: VideoIOError.self) {
      try LiveViewAddress.parse("https://127.0.0.1:8090/live.mjpg", format: nil)
    }
  }

  @Test(
    "two viewers at once, a late one gets the latest frame at once, and the stream ends cleanly")
  func viewers() throws {
    let (view, port) = try Self.serve("/live.mjpg", width: 65, height: 33)
    #expect(port > 0 && view.url == "http://127.0.0.1:\(port)/live.mjpg")
    #expect(view.pageURL == "http://127.0.0.1:\(port)/")

    let first = try Viewer(port: port, path: "/live.mjpg")
    first.read { String(decoding: $0, as: UTF8.self).contains("\r\n\r\n") }
    #expect(first.text.hasPrefix("HTTP/1.1 200 OK"))
    #expect(first.text.contains("Content-Type: multipart/x-mixed-replace; boundary=camvideo-frame"))

    // A red frame, then a blue one: the second viewer connects in between and sees red first.
    try view.write(
      RGBImage(width: 65, height: 33, pixels: Self.fill(65 * 33, (250, 0, 0))), pts: 0, duration: 1)
    first.read { _ in first.parts.count >= 1 }
    let second = try Viewer(port: port, path: "/live.mjpg")
    second.read { _ in second.parts.count >= 1 }
    try view.write(
      RGBImage(width: 65, height: 33, pixels: Self.fill(65 * 33, (0, 0, 250))), pts: 1, duration: 1)
    first.read { _ in first.parts.count >= 2 }
    second.read { _ in second.parts.count >= 2 }
    #expect(first.parts.count == 2 && second.parts.count == 2)
    #expect((first.parts + second.parts).allSatisfy(isJPEG))
    #expect(first.parts[0] == second.parts[0] && first.parts[1] == second.parts[1])
    #expect(first.parts[0] != first.parts[1])
    // Full-range JPEGs: the colours come back as they were sent.
    let red = try Self.decode(first.parts[0])
    let blue = try Self.decode(first.parts[1])
    #expect(red.width == 65 && red.height == 33)
    let (r, g, b) = red[32, 16]
    #expect(abs(Int(r) - 250) <= 6 && g <= 6 && b <= 6, "\(red[32, 16])")
    let (r2, g2, b2) = blue[32, 16]
    #expect(r2 <= 6 && g2 <= 6 && abs(Int(b2) - 250) <= 6, "\(blue[32, 16])")
    #expect(view.viewers == 2)

    // A viewer leaves and another comes (a reload): the render goes on, the newcomer is served.
    close(second.fd)
    try view.write(RGBImage(width: 65, height: 33, fill: 128), pts: 2, duration: 1)
    let third = try Viewer(port: port, path: "/live.mjpg")
    third.read { _ in third.parts.count >= 1 }
    #expect(third.parts.count == 1 && isJPEG(third.parts[0]))

    try view.finish()
    for viewer in [first, third] {
      viewer.read { _ in false }  // to the end: the server closes the stream
      #expect(viewer.text.hasSuffix("--camvideo-frame--\r\n"), "\(viewer.text.suffix(40))")
    }
    #expect(first.parts.count == 3)
  }

  @Test("/ is a page showing the stream; other paths are 404; a second server on the port fails")
  func pageAndErrors() throws {
    let (view, port) = try Self.serve("/cam.mjpg", width: 16, height: 16)
    let page = try Viewer(port: port, path: "/")
    page.read { _ in false }
    #expect(page.text.hasPrefix("HTTP/1.1 200 OK") && page.text.contains("<img src=\"/cam.mjpg\""))
    let missing = try Viewer(port: port, path: "/other")
    missing.read { _ in false }
    #expect(missing.text.hasPrefix("HTTP/1.1 404"))

    let taken = LiveViewAddress(host: "127.0.0.1", port: port, path: "/x.mjpg")
    do {
      _ = try LiveView(
        "http://127.0.0.1:\(port)/x.mjpg", address: taken, width: 16, height: 16,
        timeBase: Rational(1, 25))
      Issue.record("a second server bound the same port")
    } catch {
      #expect(error.description.contains("127.0.0.1:\(port)"), "\(error)")
      #expect(error.description.lowercased().contains("in use"), "\(error)")
    }
    try view.finish()
  }

  @Test("frames from a file are shown at the pace of their timestamps")
  func pacing() throws {
    let address = LiveViewAddress(host: "127.0.0.1", port: 0, path: "/live.mjpg")
    let view = try LiveView(
      "http://127.0.0.1:0/live.mjpg", address: address, width: 16, height: 16,
      timeBase: Rational(1, 10), paced: true)
    let started = Date()
    for pts in [0, 2, 4] as [Int64] {
      try view.write(RGBImage(width: 16, height: 16, fill: 40), pts: pts, duration: 2)
    }
    // 0.4 s of timestamps take at least that long to show (a lower bound: no machine is too fast).
    #expect(Date().timeIntervalSince(started) >= 0.38)
    #expect(view.framesWritten == 3)
    try view.finish()
  }

  /// A live view of `width` x `height` frames on a free loopback port, and that port.
  static func serve(_ path: String, width: Int, height: Int) throws -> (LiveView, Int) {
    let view = try LiveView(
      "http://127.0.0.1:0\(path)", address: LiveViewAddress(host: "127.0.0.1", port: 0, path: path),
      width: width, height: height, timeBase: Rational(1, 25), paced: false)
    let port = try #require(Int(view.url.split(separator: ":").last?.prefix { $0.isNumber } ?? ""))
    return (view, port)
  }

  /// A JPEG decoded by the video layer (FFmpeg's image2 demuxer).
  static func decode(_ jpeg: [UInt8]) throws -> RGBImage {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "camvideo-live-\(UUID().uuidString).jpg")
    try Data(jpeg).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let reader = try VideoReader(file.path)
    return try #require(try reader.nextFrame()).image
  }

  static func fill(_ count: Int, _ rgb: (UInt8, UInt8, UInt8)) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count * 3)
    for i in 0..<count {
      out[3 * i] = rgb.0
      out[3 * i + 1] = rgb.1
      out[3 * i + 2] = rgb.2
    }
    return out
  }
}
