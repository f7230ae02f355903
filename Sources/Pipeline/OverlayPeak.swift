/// The first pass of ``Overlay``'s blend: the largest blended value over the picture.
enum OverlayPeak {
  /// The largest blended value `heat + image` over every pixel and channel; marks the colormap
  /// entries that occur in `seen`.
  ///
  /// For one colormap entry and channel only the brightest byte can give the largest sum:
  /// `fl(h + w·(v / 255))` never decreases as `v` grows (each rounding is monotonic). So the
  /// pass only gathers the brightest byte per entry and channel (768 bytes), and the sums are
  /// formed once per entry at the end, with the reference's operations.
  ///
  /// Gathering goes by runs of one entry, kept in registers and written to the table when the
  /// entry changes. Placed maps are smooth, and wholly 0 in large areas: 16 pixels of the run's
  /// entry (48 bytes) are folded into 48 per-lane maxima with three vector `max`es, sorted into
  /// channels only when the run ends.
  static func peak(
    _ px: UnsafeBufferPointer<UInt8>, indices ix: UnsafeBufferPointer<UInt8>, heatTerms: [Float],
    imageTerms: [Float], seen: inout [Bool]
  ) -> Float {
    precondition(px.count == 3 * ix.count, "map size differs from the picture")
    precondition(heatTerms.count == 768 && imageTerms.count == 256 && seen.count == 256)
    guard let pixels = px.baseAddress, let entries = ix.baseAddress else { return 0 }
    var brightest = [UInt8](repeating: 0, count: 768)
    brightest.withUnsafeMutableBufferPointer { m in
      seen.withUnsafeMutableBufferPointer { s in
        guard let table = m.baseAddress, let present = s.baseAddress else { return }
        gather(pixels, entries, count: ix.count, into: table, present: present)
      }
    }
    var peak: Float = 0
    for entry in 0..<256 where seen[entry] {
      let t = 3 * entry
      let sr = heatTerms[t] + imageTerms[Int(brightest[t])]
      let sg = heatTerms[t + 1] + imageTerms[Int(brightest[t + 1])]
      let sb = heatTerms[t + 2] + imageTerms[Int(brightest[t + 2])]
      peak = max(peak, max(sr, max(sg, sb)))
    }
    return peak
  }

  /// The brightest byte of every entry and channel into `table` (`3·entry + channel`, which
  /// must start at 0), and which entries occur into `present`.
  private static func gather(
    _ pixels: UnsafePointer<UInt8>, _ entries: UnsafePointer<UInt8>, count: Int,
    into table: UnsafeMutablePointer<UInt8>, present: UnsafeMutablePointer<Bool>
  ) {
    guard count > 0 else { return }
    let rawPixels = UnsafeRawPointer(pixels)
    let rawEntries = UnsafeRawPointer(entries)
    var entry = entries[0]
    var (r, g, b) = (UInt8(0), UInt8(0), UInt8(0))
    // Per-lane maxima of whole 16-pixel blocks: byte `k` of the 48 is channel `k mod 3` (48 is a
    // multiple of 3, so that holds for every block).
    var lanes = (SIMD16<UInt8>(), SIMD16<UInt8>(), SIMD16<UInt8>())
    var usesLanes = false
    var i = 0
    while i < count {
      if i &+ 16 <= count {
        // Sixteen entries equal to the run's: two 8-byte words against the entry repeated (a
        // vector compare of bytes does not compile to one instruction).
        let splat = UInt64(entry) &* 0x0101_0101_0101_0101
        let low = rawEntries.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let high = rawEntries.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
        if (low ^ splat) | (high ^ splat) == 0 {
          let o = 3 &* i
          let a = rawPixels.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self)
          let c = rawPixels.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD16<UInt8>.self)
          let d = rawPixels.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD16<UInt8>.self)
          // `replacing(with:where:)` on bytes compiles to one `pmaxub`.
          lanes.0 = lanes.0.replacing(with: a, where: a .> lanes.0)
          lanes.1 = lanes.1.replacing(with: c, where: c .> lanes.1)
          lanes.2 = lanes.2.replacing(with: d, where: d .> lanes.2)
          usesLanes = true
          i &+= 16
          continue
        }
      }
      // Pixel by pixel up to the next 16-pixel boundary (or the end).
      let end = min(count, (i | 15) &+ 1)
      while i < end {
        let e = entries[i]
        if e != entry {
          if usesLanes {
            fold(lanes, into: &r, &g, &b)
            lanes = (SIMD16(), SIMD16(), SIMD16())
            usesLanes = false
          }
          record(entry, r, g, b, into: table, present: present)
          entry = e
          (r, g, b) = (0, 0, 0)
        }
        let o = 3 &* i
        r = max(r, pixels[o])
        g = max(g, pixels[o &+ 1])
        b = max(b, pixels[o &+ 2])
        i &+= 1
      }
    }
    if usesLanes { fold(lanes, into: &r, &g, &b) }
    record(entry, r, g, b, into: table, present: present)
  }

  /// Ends a run: its maxima into the table.
  @inline(__always)
  private static func record(
    _ entry: UInt8, _ r: UInt8, _ g: UInt8, _ b: UInt8, into table: UnsafeMutablePointer<UInt8>,
    present: UnsafeMutablePointer<Bool>
  ) {
    let t = 3 &* Int(entry)
    present[Int(entry)] = true
    table[t] = max(table[t], r)
    table[t &+ 1] = max(table[t &+ 1], g)
    table[t &+ 2] = max(table[t &+ 2], b)
  }

  /// The per-lane maxima sorted into channels.
  private static func fold(
    _ lanes: (SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>), into r: inout UInt8,
    _ g: inout UInt8, _ b: inout UInt8
  ) {
    withUnsafeBytes(of: lanes) { bytes in
      for j in 0..<16 {
        r = max(r, bytes[3 &* j])
        g = max(g, bytes[3 &* j &+ 1])
        b = max(b, bytes[3 &* j &+ 2])
      }
    }
  }
}
