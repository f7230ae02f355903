public import VideoIO

/// Text drawn straight into frames, for the class label on the overlay (`--label`).
///
/// The glyphs are printable ASCII rendered once from DejaVu Sans Mono Bold into fixed cells of
/// 8-bit coverage (`scripts/gen_font.py`), so no font library is needed at run time. Other
/// characters draw as `?`. Text is blended with its coverage (anti-aliased) and scaled by whole
/// pixels for large frames.
public enum BitmapFont {
  /// Pixels per character across and down at `scale`.
  public static func cellSize(scale: Int) -> (width: Int, height: Int) {
    (cellWidth * max(1, scale), cellHeight * max(1, scale))
  }

  /// The scale that suits a frame: 1 up to 480 rows, 2 up to 960, and so on.
  public static func scale(forHeight height: Int) -> Int { max(1, (height + 479) / 480) }

  /// Draws a label: `text` in `color` on a dark translucent box, with its top-left corner at
  /// (`x`, `y`); whatever falls outside the picture is clipped.
  public static func drawLabel(
    _ text: String, on image: inout RGBImage, x: Int, y: Int, scale: Int,
    color: (UInt8, UInt8, UInt8) = (255, 255, 255)
  ) {
    let s = max(1, scale)
    let margin = 3 * s
    let (cw, ch) = cellSize(scale: s)
    let characters = Array(text.unicodeScalars)
    fill(
      &image, x: x, y: y, width: characters.count * cw + 2 * margin, height: ch + 2 * margin,
      shade: 0.45)
    for (i, c) in characters.enumerated() {
      drawGlyph(c, on: &image, x: x + margin + i * cw, y: y + margin, scale: s, color: color)
    }
  }

  /// Darkens a rectangle: each channel times `shade`.
  static func fill(_ image: inout RGBImage, x: Int, y: Int, width: Int, height: Int, shade: Float) {
    let x0 = max(0, x)
    let y0 = max(0, y)
    let x1 = min(image.width, x + width)
    let y1 = min(image.height, y + height)
    guard x0 < x1, y0 < y1 else { return }
    let stride = image.stride
    image.pixels.withUnsafeMutableBufferPointer { px in
      for row in y0..<y1 {
        for i in (row * stride + 3 * x0)..<(row * stride + 3 * x1) {
          px[i] = UInt8(Float(px[i]) * shade)
        }
      }
    }
  }

  static func drawGlyph(
    _ c: Unicode.Scalar, on image: inout RGBImage, x: Int, y: Int, scale: Int,
    color: (UInt8, UInt8, UInt8)
  ) {
    let code = (32...126).contains(c.value) ? Int(c.value) : Int(("?" as Unicode.Scalar).value)
    let base = (code - 32) * cellWidth * cellHeight
    let ink = [Float(color.0), Float(color.1), Float(color.2)]
    let width = image.width
    let height = image.height
    image.pixels.withUnsafeMutableBufferPointer { px in
      for gy in 0..<cellHeight {
        for gx in 0..<cellWidth {
          let a = Float(coverage[base + gy * cellWidth + gx]) / 255
          guard a > 0 else { continue }
          for dy in 0..<scale {
            let py = y + gy * scale + dy
            guard py >= 0 && py < height else { continue }
            for dx in 0..<scale {
              let pxx = x + gx * scale + dx
              guard pxx >= 0 && pxx < width else { continue }
              let o = (py * width + pxx) * 3
              for k in 0..<3 {
                px[o + k] = UInt8((Float(px[o + k]) * (1 - a) + ink[k] * a).rounded())
              }
            }
          }
        }
      }
    }
  }

  /// The glyph table decoded from ``glyphHex``: 95 cells of `cellHeight × cellWidth` bytes.
  static let coverage: [UInt8] = glyphHex.flatMap { hex in
    hex.withUTF8Buffer { digits in
      stride(from: 0, to: digits.count - 1, by: 2).map {
        UInt8(hexDigit(digits[$0]) << 4 | hexDigit(digits[$0 + 1]))
      }
    }
  }

  private static func hexDigit(_ d: UInt8) -> UInt8 {
    switch d {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): d - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): d - UInt8(ascii: "a") + 10
    default: 0
    }
  }
}
