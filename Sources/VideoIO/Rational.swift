/// An exact fraction, as FFmpeg keeps time bases and frame rates.
public struct Rational: Sendable, Hashable, CustomStringConvertible {
  public var num: Int
  public var den: Int

  public init(_ num: Int, _ den: Int) {
    self.num = num
    self.den = den
  }

  /// The value as a double; 0 when the denominator is 0 (FFmpeg's "unknown").
  public var value: Double { den == 0 ? 0 : Double(num) / Double(den) }
  public var isValid: Bool { num > 0 && den > 0 }
  /// `num/den`, as ffprobe prints it.
  public var description: String { "\(num)/\(den)" }

  /// Converts a timestamp in this time base to seconds.
  public func seconds(_ ts: Int64) -> Double { Double(ts) * Double(num) / Double(den) }
}
