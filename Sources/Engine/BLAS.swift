internal import COpenBLAS

/// The BLAS library under the engine (OpenBLAS) and the engine's threading.
///
/// OpenBLAS's worker threads spin between calls; so once ``threads`` is set, the engine splits
/// its work over that many threads itself and runs OpenBLAS on one, so that decoding and
/// encoding keep a core.
public enum BLAS {
  /// `OpenBLAS 0.3.21 …` as the library reports its build.
  public static var version: String {
    guard let config = openblas_get_config() else { return "OpenBLAS (unknown version)" }
    return String(cString: config).trimmingCharacters(in: " ")
  }

  /// Threads the engine uses for one operator (its kernels and the products it hands OpenBLAS
  /// are split over them; OpenBLAS itself then runs single-threaded).
  public static var threads: Int {
    get { Parallel.threads }
    set { Parallel.setThreads(newValue) }
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s = s.dropFirst() }
    while s.last == set { s = s.dropLast() }
    return String(s)
  }
}
