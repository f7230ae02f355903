import Glibc

/// A TCP socket listening on 127.0.0.1 on a free port, which never accepts: a connection
/// attempt shows up in its backlog.
final class LoopbackListener {
  let fd: Int32
  let port: Int

  struct Failure: Error {}

  init() throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure() }
    self.fd = fd
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Bool in
        bind(fd, p, len) == 0 && listen(fd, 8) == 0 && getsockname(fd, p, &len) == 0
      }
    }
    guard bound else {
      close(fd)
      throw Failure()
    }
    port = Int(UInt16(bigEndian: addr.sin_port))
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
  }

  /// Whether anybody connected (accepts it, non-blocking).
  func hadConnection() -> Bool {
    let c = accept(fd, nil, nil)
    if c >= 0 {
      close(c)
      return true
    }
    return false
  }

  deinit { close(fd) }
}
