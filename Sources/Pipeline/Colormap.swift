/// The colour scales a heat map is painted with (`--colormap`).
///
/// `jet`, `turbo`, `viridis` and `inferno` are OpenCV's tables (``Colormap`` + `Tables`, generated
/// from `cv2.applyColorMap` by `scripts/gen_colormaps.py`), so a map painted here has the same
/// pixels as pytorch-grad-cam's `show_cam_on_image` — but in RGB order, the `use_rgb=True` that
/// fixes its "inverted colours" default. `gray` is the identity ramp.
public enum Colormap: String, CaseIterable, Sendable {
  case jet, turbo, viridis, inferno, gray

  /// The colour of a map value in [0, 1]: entry `⌊255·value⌋` of the table, as
  /// `cv2.applyColorMap(np.uint8(255 * mask))` picks it (values outside [0, 1] are clamped).
  @inline(__always)
  public func color(_ value: Float) -> (r: UInt8, g: UInt8, b: UInt8) {
    let i = Self.index(value)
    switch self {
    case .gray: return (UInt8(i), UInt8(i), UInt8(i))
    default:
      let t = table
      return (t[3 * i], t[3 * i + 1], t[3 * i + 2])
    }
  }

  /// 256 RGB triples.
  var table: [UInt8] {
    switch self {
    case .jet: Self.jetTable
    case .turbo: Self.turboTable
    case .viridis: Self.viridisTable
    case .inferno: Self.infernoTable
    case .gray: Self.grayTable
    }
  }

  /// `np.uint8(255 · v)` truncates toward zero; NaN counts as 0.
  @inline(__always)
  static func index(_ value: Float) -> Int {
    guard value > 0 else { return 0 }
    guard value < 1 else { return 255 }
    return Int(255 * value)
  }

  /// ``index(_:)`` of 8 values at once, as bytes: the same entries (`⌊255·v⌋` by the same
  /// product, clamped, NaN → 0), without a per-value branch or conversion check.
  @inline(__always)
  static func indices(_ values: SIMD8<Float>) -> SIMD8<UInt8> {
    var bits = floorBits(255 * values)
    bits.replace(with: 255, where: .!(values .< 1))
    bits.replace(with: 0, where: .!(values .> 0))
    return lowBytes(bits)
  }

  /// The low byte of each lane: `SIMD8<UInt8>(truncatingIfNeeded:)`, as a byte shuffle (the
  /// conversion initialiser stayed an out-of-line call per 8 values, 0.27 ms of a 720p frame).
  @inline(__always)
  static func lowBytes(_ x: SIMD8<UInt32>) -> SIMD8<UInt8> {
    SIMD8<UInt8>(
      UInt8(truncatingIfNeeded: x[0]), UInt8(truncatingIfNeeded: x[1]),
      UInt8(truncatingIfNeeded: x[2]), UInt8(truncatingIfNeeded: x[3]),
      UInt8(truncatingIfNeeded: x[4]), UInt8(truncatingIfNeeded: x[5]),
      UInt8(truncatingIfNeeded: x[6]), UInt8(truncatingIfNeeded: x[7]))
  }

  /// `⌊x⌋` of values in [0, 255] (what `UInt8(x)` gives), in the low byte of each lane; other
  /// lanes get garbage for the caller to mask.
  ///
  /// `x + 2²³ − 2²³` rounds `x` to an integer (exactly, below 2²³); it is stepped down when that
  /// rounded up, and the bits of `⌊x⌋ + 2²³` hold `⌊x⌋` in their low byte.
  @inline(__always)
  static func floorBits(_ x: SIMD8<Float>) -> SIMD8<UInt32> {
    let magic = SIMD8<Float>(repeating: 8_388_608)
    var whole = (x + magic) - magic
    whole.replace(with: whole - 1, where: whole .> x)
    return unsafeBitCast(whole + magic, to: SIMD8<UInt32>.self)
  }

  static let grayTable: [UInt8] = (0..<256).flatMap { [UInt8($0), UInt8($0), UInt8($0)] }
}
