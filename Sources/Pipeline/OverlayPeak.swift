/// The first pass of ``Overlay``'s blend: the largest blended value over the picture.
enum OverlayPeak {
  /// The largest blended value `heat + image` over every pixel and channel, and the smallest and
  /// largest colormap entry that occur (nil for an empty picture).
  ///
  /// The entries' range comes first (a vectorised pass over them), and with it the hottest heat
  /// term of any entry present. Then the pass goes by blocks of 64 pixels: a block's values are
  /// at most that hottest term plus the image term of the block's brightest byte (each rounding
  /// is monotonic, so `fl(h + i)` never decreases as `h` or `i` grow). When that bound is no
  /// more than the peak so far, none of its pixels can raise the peak, and the block costs a
  /// few vector maxima and one horizontal one instead of 192 sums. The peak starts from a sample
  /// of the picture (runs of consecutive pixels spread over it: a pixel here and there would
  /// fetch a cache line each), so in a typical frame most blocks are passed over. The result is
  /// the same `max` over every pixel's sums, whichever blocks are skipped.
  ///
  /// Blocks of 16 with a bound from each block's own entries (a tighter bound, three horizontal
  /// reductions a block) took 1.44 % of a 720p render's CPU in `perf` (1.25 ms a frame), most of
  /// it in the reductions; this pass takes 0.73 %. `SIMD16` throughout: `SIMD32<UInt8>`'s
  /// comparisons and selects compiled to scalar code, 20 times slower.
  static func peak(
    _ px: UnsafeBufferPointer<UInt8>, indices ix: UnsafeBufferPointer<UInt8>, heatTerms: [Float],
    imageTerms: [Float]
  ) -> (peak: Float, entries: ClosedRange<Int>?) {
    precondition(px.count == 3 * ix.count, "map size differs from the picture")
    precondition(heatTerms.count == 768 && imageTerms.count == 256)
    guard let pixels = px.baseAddress, let entries = ix.baseAddress, !ix.isEmpty else {
      return (0, nil)
    }
    let range = entryRange(entries, count: ix.count)
    // The largest heat term of the entries that occur, over their three channels.
    let hottest = heatTerms[(3 * range.lowerBound)..<(3 * range.upperBound + 3)].max() ?? 0
    return heatTerms.withUnsafeBufferPointer { heat in
      imageTerms.withUnsafeBufferPointer { image in
        (scan(pixels, entries, count: ix.count, heat: heat, image: image, hottest: hottest), range)
      }
    }
  }

  /// The smallest and largest of `count` entries (at least one).
  private static func entryRange(_ entries: UnsafePointer<UInt8>, count: Int) -> ClosedRange<Int> {
    let raw = UnsafeRawPointer(entries)
    var low = SIMD16<UInt8>(repeating: 255)
    var high = SIMD16<UInt8>(repeating: 0)
    var i = 0
    while i &+ 16 <= count {
      let e = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
      // `replacing(with:where:)` on bytes compiles to one `pminub` / `pmaxub`.
      low = low.replacing(with: e, where: e .< low)
      high = high.replacing(with: e, where: e .> high)
      i &+= 16
    }
    var lowest = Int(low.min())
    var highest = Int(high.max())
    while i < count {
      lowest = min(lowest, Int(entries[i]))
      highest = max(highest, Int(entries[i]))
      i &+= 1
    }
    return lowest...highest
  }

  /// The sample that seeds the peak: this many runs of at most ``sampleRun`` pixels.
  static let sampleRuns = 48
  static let sampleRun = 256

  private static func scan(
    _ pixels: UnsafePointer<UInt8>, _ entries: UnsafePointer<UInt8>, count: Int,
    heat: UnsafeBufferPointer<Float>, image: UnsafeBufferPointer<Float>, hottest: Float
  ) -> Float {
    /// The largest sum of pixel `i`.
    @inline(__always) func value(_ i: Int) -> Float {
      let t = 3 &* Int(entries[i])
      let o = 3 &* i
      let r = heat[t] + image[Int(pixels[o])]
      let g = heat[t &+ 1] + image[Int(pixels[o &+ 1])]
      let b = heat[t &+ 2] + image[Int(pixels[o &+ 2])]
      return max(r, max(g, b))
    }
    var peak: Float = 0
    let run = min(sampleRun, count / sampleRuns)
    for k in 0..<sampleRuns where run > 0 {
      let start = count / sampleRuns * k
      for i in start..<(start + run) { peak = max(peak, value(i)) }
    }
    let rawPixels = UnsafeRawPointer(pixels)
    var i = 0
    while i &+ 64 <= count {
      // The brightest byte of the block's 192, by vertical maxima (`pmaxub`) and one horizontal.
      let o = 3 &* i
      var brightest = rawPixels.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)
      for k in 1..<12 {
        let v = rawPixels.loadUnaligned(fromByteOffset: o &+ 16 &* k, as: SIMD16<UInt8>.self)
        brightest = brightest.replacing(with: v, where: v .> brightest)
      }
      if hottest + image[Int(brightest.max())] > peak {
        for j in i..<(i &+ 64) { peak = max(peak, value(j)) }
      }
      i &+= 64
    }
    while i < count {
      peak = max(peak, value(i))
      i &+= 1
    }
    return peak
  }
}
