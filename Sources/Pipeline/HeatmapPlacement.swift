public import VideoIO

/// Puts a map computed at the model's input resolution back over the full frame, undoing the
/// fit that made the model input (``ModelInput/fit``), with bilinear interpolation.
///
/// Sampling follows `cv2.resize(…, INTER_LINEAR)`: pixel centres at half-integers, edges
/// replicated. The three fits:
/// - `stretch`: the map covers the whole frame.
/// - `crop`: the map covers the centre part of the frame the model saw (`content`, in frame
///   pixels); the frame outside it gets 0 (../shared/CLI.md).
/// - `pad`: only the letterboxed part of the map (`content`, in map pixels) holds the picture; it
///   is stretched over the whole frame and the bars are dropped.
///
/// The interpolation taps depend only on the geometry, so one placement serves every frame of a
/// clip.
public struct HeatmapPlacement: Sendable {
  public let mapWidth: Int, mapHeight: Int
  public let frameWidth: Int, frameHeight: Int
  private let columns: Taps
  private let rows: Taps

  /// - Parameters:
  ///   - content: where the picture's content is, as ``ScaledImage/content`` reports it (crop:
  ///     in frame pixels; stretch and pad: in map pixels).
  public init(
    mapWidth: Int, mapHeight: Int, frameWidth: Int, frameHeight: Int, fit: Fit, content: PixelRect
  ) {
    precondition(mapWidth > 0 && mapHeight > 0 && frameWidth > 0 && frameHeight > 0)
    self.mapWidth = mapWidth
    self.mapHeight = mapHeight
    self.frameWidth = frameWidth
    self.frameHeight = frameHeight
    switch fit {
    case .stretch:
      columns = Taps(
        count: frameWidth, source: mapWidth, from: 0, span: frameWidth, to: 0, width: mapWidth)
      rows = Taps(
        count: frameHeight, source: mapHeight, from: 0, span: frameHeight, to: 0, width: mapHeight)
    case .crop:
      columns = Taps(
        count: frameWidth, source: mapWidth, from: content.x, span: content.width, to: 0,
        width: mapWidth)
      rows = Taps(
        count: frameHeight, source: mapHeight, from: content.y, span: content.height, to: 0,
        width: mapHeight)
    case .pad:
      columns = Taps(
        count: frameWidth, source: mapWidth, from: 0, span: frameWidth, to: content.x,
        width: content.width)
      rows = Taps(
        count: frameHeight, source: mapHeight, from: 0, span: frameHeight, to: content.y,
        width: content.height)
    }
  }

  /// The placement for a frame and the model-size picture made from it.
  public init(map width: Int, _ height: Int, frame: RGBImage, scaled: ScaledImage) {
    self.init(
      mapWidth: width, mapHeight: height, frameWidth: frame.width, frameHeight: frame.height,
      fit: scaled.fit, content: scaled.content)
  }

  /// The map over the frame: `frameWidth × frameHeight` values, row-major.
  public func place(_ map: [Float]) -> [Float] {
    let across = columnsPass(map)
    var out = [Float](repeating: 0, count: frameWidth * frameHeight)
    across.withUnsafeBufferPointer { mid in
      out.withUnsafeMutableBufferPointer { dst in
        for y in 0..<frameHeight {
          let t = rows[y]
          guard t.inside else { continue }
          let a = t.i0 * frameWidth
          let b = t.i1 * frameWidth
          let o = y * frameWidth
          for x in 0..<frameWidth { dst[o + x] = mid[a + x] * t.w0 + mid[b + x] * t.w1 }
        }
      }
    }
    return out
  }

  /// The colormap entry (``Colormap``'s `⌊255·v⌋`) of every value of ``place(_:)``, computed
  /// row by row without the full-frame float map: what ``Overlay`` blends with.
  public func colormapIndices(_ map: [Float]) -> [UInt8] {
    var indices: [UInt8] = []
    var across: [Float] = []
    colormapIndices(map, into: &indices, across: &across)
    return indices
  }

  /// ``colormapIndices(_:)`` into `indices`, with `across` as working memory: arrays the caller
  /// keeps between frames, so that a 720p frame does not map and fault in 2 MB of fresh memory
  /// (both are resized when their size is not the frame's; their contents do not matter).
  func colormapIndices(_ map: [Float], into indices: inout [UInt8], across: inout [Float]) {
    columnsPass(map, into: &across)
    indices.resize(unspecified: frameWidth * frameHeight)
    across.withUnsafeBufferPointer { mid in
      indices.withUnsafeMutableBufferPointer { out in
        for y in 0..<frameHeight {
          let t = rows[y]
          let o = y * frameWidth
          guard t.inside else {
            for x in 0..<frameWidth { out[o + x] = 0 }
            continue
          }
          let a = t.i0 * frameWidth
          let b = t.i1 * frameWidth
          let w0 = t.w0
          let w1 = t.w1
          // The same expression as `place`, so the same values and entries; 8 at a time.
          var x = 0
          if let m = mid.baseAddress, let dst = out.baseAddress {
            let raw = UnsafeRawPointer(m)
            while x + 8 <= frameWidth {
              let top = raw.loadUnaligned(fromByteOffset: 4 * (a + x), as: SIMD8<Float>.self)
              let bottom = raw.loadUnaligned(fromByteOffset: 4 * (b + x), as: SIMD8<Float>.self)
              UnsafeMutableRawPointer(dst + o + x).storeBytes(
                of: Colormap.indices(top * w0 + bottom * w1), as: SIMD8<UInt8>.self)
              x += 8
            }
          }
          while x < frameWidth {
            let v = mid[a + x] * w0 + mid[b + x] * w1
            out[o + x] = UInt8(truncatingIfNeeded: Colormap.index(v))
            x += 1
          }
        }
      }
    }
  }

  /// Interpolates along the columns: `mapHeight` rows of `frameWidth` values (separable
  /// bilinear: columns first, then rows).
  private func columnsPass(_ map: [Float]) -> [Float] {
    var across: [Float] = []
    columnsPass(map, into: &across)
    return across
  }

  /// ``columnsPass(_:)`` into `across`, writing every value (0 outside the content), so that
  /// the array can be reused from frame to frame.
  private func columnsPass(_ map: [Float], into across: inout [Float]) {
    precondition(map.count == mapWidth * mapHeight, "map size differs from the placement's")
    across.resize(unspecified: mapHeight * frameWidth)
    let inside = columns.inside
    columns.withTaps { first, second, w0, w1 in
      map.withUnsafeBufferPointer { src in
        across.withUnsafeMutableBufferPointer { mid in
          guard let src = src.baseAddress, let mid = mid.baseAddress else { return }
          for y in 0..<mapHeight {
            let row = src + y * mapWidth
            let dst = mid + y * frameWidth
            dst.update(repeating: 0, count: inside.lowerBound)
            (dst + inside.upperBound).update(repeating: 0, count: frameWidth - inside.upperBound)
            // The positions inside, without a branch.
            for x in inside {
              dst[x] = row[Int(first[x])] * w0[x] + row[Int(second[x])] * w1[x]
            }
          }
        }
      }
    }
  }
}

/// The two source taps and weights of every output position along one axis.
private struct Taps: Sendable {
  struct Tap: Sendable {
    var i0 = 0, i1 = 0
    var w0: Float = 0, w1: Float = 0
    var inside = false
  }
  /// The output positions that sample the source (the others are outside): one range.
  let inside: Range<Int>
  /// The taps of every position as separate arrays, as the column pass's inner loop reads them
  /// (positions outside have zeros).
  private let first: [Int32], second: [Int32]
  private let firstWeight: [Float], secondWeight: [Float]

  /// Output positions `from ..< from + span` (of `count`) sample source positions
  /// `to ..< to + width` (of `source`); the rest are outside.
  init(count: Int, source: Int, from: Int, span: Int, to: Int, width: Int) {
    let taps = (0..<count).map { o in
      guard o >= from && o < from + span, span > 0, width > 0 else { return Tap() }
      let scale = Double(width) / Double(span)
      let s = (Double(o - from) + 0.5) * scale - 0.5 + Double(to)
      let lo = Double(to)
      let hi = Double(min(to + width, source) - 1)
      let clamped = min(max(s, lo), hi)
      let i0 = Int(clamped.rounded(.down))
      let i1 = min(i0 + 1, Int(hi))
      let f = Float(clamped - Double(i0))
      return Tap(i0: i0, i1: i1, w0: 1 - f, w1: f, inside: true)
    }
    let lower = taps.firstIndex { $0.inside } ?? 0
    inside = lower..<((taps.lastIndex { $0.inside } ?? -1) + 1)
    first = taps.map { Int32($0.i0) }
    second = taps.map { Int32($0.i1) }
    firstWeight = taps.map(\.w0)
    secondWeight = taps.map(\.w1)
  }

  subscript(i: Int) -> Tap {
    Tap(
      i0: Int(first[i]), i1: Int(second[i]), w0: firstWeight[i], w1: secondWeight[i],
      inside: inside.contains(i))
  }

  /// Calls `body` with the first and second source index and weight of every position.
  func withTaps(
    _ body: (
      UnsafePointer<Int32>, UnsafePointer<Int32>, UnsafePointer<Float>, UnsafePointer<Float>
    ) -> Void
  ) {
    first.withUnsafeBufferPointer { i0 in
      second.withUnsafeBufferPointer { i1 in
        firstWeight.withUnsafeBufferPointer { w0 in
          secondWeight.withUnsafeBufferPointer { w1 in
            guard let i0 = i0.baseAddress, let i1 = i1.baseAddress, let w0 = w0.baseAddress,
              let w1 = w1.baseAddress
            else { return }
            body(i0, i1, w0, w1)
          }
        }
      }
    }
  }
}
