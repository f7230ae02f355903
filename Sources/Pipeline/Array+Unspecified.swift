extension Array where Element: BitwiseCopyable {
  /// `count` elements with unspecified contents: for buffers whose caller writes every element
  /// it later reads (a frame-sized array need not be zeroed first).
  init(unspecified count: Int) {
    self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
  }

  /// Makes the array `count` long, keeping it as it is (contents unspecified) when it already
  /// is: working memory reused from frame to frame.
  mutating func resize(unspecified count: Int) {
    if self.count != count { self = Array(unspecified: count) }
  }
}
