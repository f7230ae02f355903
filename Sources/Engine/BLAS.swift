internal import COpenBLAS

/// The BLAS library under the engine (OpenBLAS) and its threading.
///
/// OpenBLAS's worker threads spin between calls; camvideo sets their number explicitly so that
/// decoding and encoding keep a core.
public enum BLAS {
  /// `OpenBLAS 0.3.21 …` as the library reports its build.
  public static var version: String {
    guard let config = openblas_get_config() else { return "OpenBLAS (unknown version)" }
    return String(cString: config).trimmingCharacters(in: " ")
  }

  /// Threads OpenBLAS uses for one call.
  public static var threads: Int {
    get { Int(openblas_get_num_threads()) }
    set { openblas_set_num_threads(Int32(max(1, newValue))) }
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
