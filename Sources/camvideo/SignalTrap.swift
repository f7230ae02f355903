internal import Dispatch
internal import Glibc

/// Turns SIGINT and SIGTERM (Ctrl-C; what Slurm and Kubernetes send) into a call of `handler`
/// on a dispatch queue, so the pipeline can finish the frames in flight and the file; a second
/// signal exits at once.
final class SignalTrap {
  private var sources: [any DispatchSourceSignal] = []
  private let queue = DispatchQueue(label: "camvideo.signals")
  /// Signals received so far; touched only on `queue`.
  private nonisolated(unsafe) var received = 0

  init(_ handler: @escaping @Sendable (Int32) -> Void) {
    for sig in [SIGINT, SIGTERM] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
      source.setEventHandler { [unowned self] in
        received += 1
        if received > 1 { _exit(128 + sig) }
        handler(sig)
      }
      source.resume()
      sources.append(source)
    }
  }

  deinit {
    for source in sources { source.cancel() }
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
