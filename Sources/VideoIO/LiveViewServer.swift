internal import Dispatch
internal import Foundation
internal import Glibc

/// A small HTTP/1.1 server for the live view: `GET <path>` is a `multipart/x-mixed-replace`
/// stream of JPEG frames, which browsers show as a moving picture in an `<img>` or on its own;
/// `GET /` is a page holding that picture.
///
/// libavformat's HTTP listen mode serves one client and ends with it. This serves up to
/// ``maxViewers`` at once, each on its own thread; viewers come and go (a reload reconnects),
/// a new viewer gets the latest frame at once, and a slow one skips to the newest frame rather
/// than falling behind. A viewer that stops reading for ``sendTimeout`` seconds is dropped.
final class LiveViewServer: @unchecked Sendable {
  static let boundary = "camvideo-frame"
  static let maxViewers = 16
  static let sendTimeout = 5

  let address: LiveViewAddress
  /// The port actually bound (the address's, or the one the kernel chose for 0).
  let port: Int
  private let listener: Int32
  private let condition = NSCondition()
  private var latest: [UInt8] = []
  private var sequence = 0
  private var closed = false
  private var connections: Set<Int32> = []
  private let running = DispatchGroup()

  /// Binds and starts accepting viewers.
  /// - Parameter destination: the URL as the user wrote it, for messages.
  init(_ address: LiveViewAddress, destination: String) throws(VideoIOError) {
    self.address = address
    let (fd, port) = try Self.listen(on: address, destination: destination)
    listener = fd
    self.port = port
    running.enter()
    let thread = Thread { [self] in
      acceptLoop()
      running.leave()
    }
    thread.name = "camvideo.live-view"
    thread.start()
  }

  deinit { close() }

  /// Makes `jpeg` the frame every viewer gets next.
  func publish(_ jpeg: [UInt8]) {
    condition.withLock {
      latest = jpeg
      sequence += 1
      condition.broadcast()
    }
  }

  /// Number of viewers connected now.
  var viewers: Int { condition.withLock { connections.count } }

  /// Ends every stream after its last frame and stops listening.
  ///
  /// Waits a few seconds at most for the viewers' threads. Safe to call more than once.
  func close() {
    let already = condition.withLock {
      let was = closed
      closed = true
      condition.broadcast()
      return was
    }
    if already { return }
    if running.wait(timeout: .now() + 2) == .timedOut {
      // Viewers blocked in a write: unblock them.
      condition.withLock { for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) } }
      _ = running.wait(timeout: .now() + .seconds(Self.sendTimeout + 1))
    }
  }

  private var isClosed: Bool { condition.withLock { closed } }

  // MARK: Connections

  private func acceptLoop() {
    defer { Glibc.close(listener) }
    var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
    while !isClosed {
      guard poll(&poller, 1, 200) > 0 else { continue }
      let client = accept(listener, nil, nil)
      guard client >= 0 else { continue }
      let admitted = condition.withLock {
        guard connections.count < Self.maxViewers else { return false }
        connections.insert(client)
        return true
      }
      guard admitted else {
        Self.reply(
          client, status: "503 Service Unavailable", type: "text/plain", body: "too many viewers\n")
        Glibc.close(client)
        continue
      }
      running.enter()
      let thread = Thread { [self] in
        serve(client)
        condition.withLock { _ = connections.remove(client) }
        Glibc.close(client)
        running.leave()
      }
      thread.name = "camvideo.viewer"
      thread.start()
    }
  }

  private func serve(_ fd: Int32) {
    Self.setTimeout(fd, SO_RCVTIMEO, seconds: Self.sendTimeout)
    Self.setTimeout(fd, SO_SNDTIMEO, seconds: Self.sendTimeout)
    guard let (method, path) = Self.readRequest(fd) else { return }
    guard method == "GET" || method == "HEAD" else {
      Self.reply(fd, status: "405 Method Not Allowed", type: "text/plain", body: "GET only\n")
      return
    }
    if path == address.path {
      stream(to: fd, headOnly: method == "HEAD")
    } else if path == "/" || path == "/index.html" {
      Self.reply(
        fd, status: "200 OK", type: "text/html; charset=utf-8", body: page,
        headOnly: method == "HEAD")
    } else {
      Self.reply(
        fd, status: "404 Not Found", type: "text/plain",
        body: "the live view is at \(address.path)\n")
    }
  }

  private var page: String {
    """
    <!doctype html>
    <html><head><meta charset="utf-8"><title>camvideo live view</title>
    <style>html,body{margin:0;height:100%;background:#111}\
    img{display:block;width:100%;height:100%;object-fit:contain}</style></head>
    <body><img src="\(address.path)" alt="camvideo live view"></body></html>

    """
  }

  /// Sends each new frame as one part until the render ends or the viewer goes away.
  private func stream(to fd: Int32, headOnly: Bool) {
    let head =
      "HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=\(Self.boundary)\r\n"
      + "Cache-Control: no-cache, no-store\r\nPragma: no-cache\r\nConnection: close\r\n\r\n"
    guard Self.send(fd, Array(head.utf8)), !headOnly else { return }
    var sent = 0
    while true {
      condition.lock()
      while sequence == sent && !closed { condition.wait() }
      let frame = sequence != sent ? latest : nil
      sent = sequence
      let ending = closed
      condition.unlock()
      if let frame {
        let part =
          "--\(Self.boundary)\r\nContent-Type: image/jpeg\r\nContent-Length: \(frame.count)\r\n\r\n"
        guard Self.send(fd, Array(part.utf8)), Self.send(fd, frame), Self.send(fd, [13, 10])
        else { return }
      }
      if ending {
        _ = Self.send(fd, Array("--\(Self.boundary)--\r\n".utf8))
        return
      }
    }
  }

  // MARK: Sockets

  private static func listen(on address: LiveViewAddress, destination: String)
    throws(VideoIOError) -> (fd: Int32, port: Int)
  {
    let place = "\(address.host):\(address.port)"
    func failure(_ reason: String) -> VideoIOError {
      VideoIOError(
        .io, path: destination, operation: "serve the live view on \(place)", reason: reason)
    }
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
    var list: UnsafeMutablePointer<addrinfo>?
    let found = getaddrinfo(address.host, String(address.port), &hints, &list)
    guard found == 0, let list else { throw failure(String(cString: gai_strerror(found))) }
    defer { freeaddrinfo(list) }
    var lastError = EADDRNOTAVAIL
    var entry: UnsafeMutablePointer<addrinfo>? = list
    while let info = entry?.pointee {
      entry = info.ai_next
      let fd = socket(
        info.ai_family, info.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.ai_protocol)
      guard fd >= 0 else {
        lastError = errno
        continue
      }
      var one: Int32 = 1
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
      guard bind(fd, info.ai_addr, info.ai_addrlen) == 0, Glibc.listen(fd, 16) == 0 else {
        lastError = errno
        Glibc.close(fd)
        continue
      }
      return (fd, boundPort(fd) ?? address.port)
    }
    throw failure(String(cString: strerror(lastError)))
  }

  private static func boundPort(_ fd: Int32) -> Int? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let ok = withUnsafeMutablePointer(to: &storage) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
    }
    guard ok else { return nil }
    return withUnsafePointer(to: &storage) { p -> Int? in
      switch Int32(p.pointee.ss_family) {
      case AF_INET:
        return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
          Int(UInt16(bigEndian: $0.pointee.sin_port))
        }
      case AF_INET6:
        return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
          Int(UInt16(bigEndian: $0.pointee.sin6_port))
        }
      default: return nil
      }
    }
  }

  private static func setTimeout(_ fd: Int32, _ option: Int32, seconds: Int) {
    var tv = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, option, &tv, socklen_t(MemoryLayout<timeval>.size))
  }

  /// The method and path (without query) of the request, once its head has arrived; nil for
  /// a client that sends nothing sensible within the timeout.
  private static func readRequest(_ fd: Int32) -> (method: String, path: String)? {
    var head: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 2048)
    let end: [UInt8] = [13, 10, 13, 10]
    while head.count < 16384 {
      let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      guard n > 0 else { return nil }
      head += chunk[..<n]
      if head.count >= 4,
        head.indices.dropLast(3).contains(where: { head[$0..<$0 + 4].elementsEqual(end) })
      {
        break
      }
    }
    let text = String(decoding: head, as: UTF8.self)
    guard let line = text.split(separator: "\r\n", maxSplits: 1).first else { return nil }
    let words = line.split(separator: " ")
    guard words.count == 3, words[2].hasPrefix("HTTP/") else { return nil }
    let target = words[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
    return (String(words[0]), target)
  }

  private static func reply(
    _ fd: Int32, status: String, type: String, body: String, headOnly: Bool = false
  ) {
    let bytes = Array(body.utf8)
    let head =
      "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(bytes.count)\r\n"
      + "Cache-Control: no-cache\r\nConnection: close\r\n\r\n"
    _ = send(fd, Array(head.utf8) + (headOnly ? [] : bytes))
  }

  /// Writes everything or reports failure (the viewer left, or stopped reading).
  private static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { raw -> Int in
        guard let base = raw.baseAddress else { return -1 }
        return Glibc.send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
      }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return false }
      offset += n
    }
    return true
  }
}
