/// The first pass of ``Overlay``'s blend: the largest blended value over the picture.
enum OverlayPeak {
  /// The largest blended value `heat + image` over every pixel and channel, and the smallest and
  /// largest colormap entry that occur (nil for an empty picture).
  ///
  /// The pass goes by blocks of 16 pixels. A block's values are at most the largest heat term of
  /// the entries between its smallest and largest plus the image term of its brightest byte
  /// (each rounding is monotonic, so `fl(h + i)` never decreases as `h` or `i` grow): when that
  /// bound is no more than the peak so far, none of its pixels can raise the peak, and the block
  /// costs a few vector maxima instead of 48 sums. The peak starts from a sample of the picture
  /// (runs of consecutive pixels spread over it: a pixel here and there would fetch a cache line
  /// each), so in a typical frame most blocks are passed over. The result is the same `max`
  /// over every pixel's sums, whichever blocks are skipped.
  static func peak(
    _ px: UnsafeBufferPointer<UInt8>, indices ix: UnsafeBufferPointer<UInt8>, heatTerms: [Float],
    imageTerms: [Float]
  ) -> (peak: Float, entries: ClosedRange<Int>?) {
    precondition(px.count == 3 * ix.count, "map size differs from the picture")
    precondition(heatTerms.count == 768 && imageTerms.count == 256)
    guard let pixels = px.baseAddress, let entries = ix.baseAddress, !ix.isEmpty else {
      return (0, nil)
    }
    // The largest heat term of each entry, over its three channels.
    let hottest = (0..<256).map { e in
      max(heatTerms[3 * e], max(heatTerms[3 * e + 1], heatTerms[3 * e + 2]))
    }
    return heatTerms.withUnsafeBufferPointer { heat in
      imageTerms.withUnsafeBufferPointer { image in
        hottest.withUnsafeBufferPointer { hot in
          scan(pixels, entries, count: ix.count, heat: heat, image: image, hottest: hot)
        }
      }
    }
  }

  /// The sample that seeds the peak: this many runs of at most ``sampleRun`` pixels.
  static let sampleRuns = 48
  static let sampleRun = 256

  private static func scan(
    _ pixels: UnsafePointer<UInt8>, _ entries: UnsafePointer<UInt8>, count: Int,
    heat: UnsafeBufferPointer<Float>, image: UnsafeBufferPointer<Float>,
    hottest: UnsafeBufferPointer<Float>
  ) -> (peak: Float, entries: ClosedRange<Int>?) {
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
    let rawEntries = UnsafeRawPointer(entries)
    var low = SIMD16<UInt8>(repeating: 255)
    var high = SIMD16<UInt8>(repeating: 0)
    var i = 0
    while i &+ 16 <= count {
      let e = rawEntries.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
      low = low.replacing(with: e, where: e .< low)
      high = high.replacing(with: e, where: e .> high)
      let o = 3 &* i
      let a = rawPixels.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)
      let b = rawPixels.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD16<UInt8>.self)
      let c = rawPixels.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD16<UInt8>.self)
      // `replacing(with:where:)` on bytes compiles to one `pmaxub`.
      var brightest = a.replacing(with: b, where: b .> a)
      brightest = brightest.replacing(with: c, where: c .> brightest)
      var hot = Float(0)
      for entry in Int(e.min())...Int(e.max()) { hot = max(hot, hottest[entry]) }
      if hot + image[Int(brightest.max())] > peak {
        for j in i..<(i &+ 16) { peak = max(peak, value(j)) }
      }
      i &+= 16
    }
    var lowest = Int(low.min())
    var highest = Int(high.max())
    while i < count {
      peak = max(peak, value(i))
      lowest = min(lowest, Int(entries[i]))
      highest = max(highest, Int(entries[i]))
      i &+= 1
    }
    return (peak, lowest...highest)
  }
}
