/// The gradient of a target score with respect to the input image, `H × W × C` (RGB), as
/// pytorch-grad-cam's `GuidedBackpropReLUModel` returns it.
public struct InputGradient: Sendable, Equatable {
  /// The explained class.
  public var classID: Int
  /// Columns, rows and channels.
  public var width: Int
  public var height: Int
  public var channels: Int
  /// `height × width × channels` values, pixel by pixel.
  public var values: [Float]

  /// A gradient image.
  ///
  /// - Precondition: `values.count == width * height * channels`.
  public init(classID: Int, width: Int, height: Int, channels: Int, values: [Float]) {
    precondition(values.count == width * height * channels, "gradient size")
    self.classID = classID
    self.width = width
    self.height = height
    self.channels = channels
    self.values = values
  }

  /// Each pixel multiplied by the map's value there (the map is resized to the image first):
  /// Guided Grad-CAM's `cam_mask * gb`.
  public func weighted(by map: Heatmap) -> InputGradient {
    let m = map.resized(width: width, height: height).values
    var v = values
    for p in 0..<width * height {
      for c in 0..<channels { v[p * channels + c] *= m[p] }
    }
    return InputGradient(
      classID: classID, width: width, height: height, channels: channels, values: v)
  }

  /// pytorch-grad-cam's `deprocess_image` (from keras-grad-cam): `(x − mean) / (std + 1e-5)`,
  /// `· 0.1 + 0.5`, clipped to [0, 1], `· 255` truncated to bytes; `H × W × C`.
  public func deprocessed() -> [UInt8] {
    guard !values.isEmpty else { return [] }
    var sum = 0.0
    for v in values { sum += Double(v) }
    let mean = sum / Double(values.count)
    var squares = 0.0
    for v in values { squares += (Double(v) - mean) * (Double(v) - mean) }
    let std = (squares / Double(values.count)).squareRoot()
    let m = Float(mean)
    let s = Float(std) + 1e-5
    return values.map { v in
      let x = min(max((v - m) / s * 0.1 + 0.5, 0), 1)
      return UInt8(x * 255)
    }
  }

  /// Guided Grad-CAM: `deprocess_image(cam ⊙ guided backprop)`, `H × W × C` bytes.
  ///
  /// - Parameter map: the CAM (``CAMResult/map``), at any size.
  public func guidedGradCAM(_ map: Heatmap) -> [UInt8] {
    weighted(by: map).deprocessed()
  }
}
