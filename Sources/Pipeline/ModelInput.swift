public import Engine
public import VideoIO

/// How a picture becomes the model's input tensor: size, fit and per-channel normalisation
/// (`(x / 255 − mean) / std`, RGB order, NCHW).
public struct ModelInput: Sendable, Equatable {
  public var width: Int
  public var height: Int
  public var mean: [Float]
  public var std: [Float]
  public var fit: Fit

  public init(width: Int, height: Int, mean: [Float], std: [Float], fit: Fit = .stretch) {
    precondition(width > 0 && height > 0 && mean.count == 3 && std.count == 3)
    self.width = width
    self.height = height
    self.mean = mean
    self.std = std
    self.fit = fit
  }

  /// The model's own preprocessing (metadata), with the user's overrides (CLI `--size`,
  /// `--mean`, `--std`, `--fit`); 0.5 per channel where neither says (../shared/CLI.md).
  public init(
    model: Model, size: (width: Int, height: Int)? = nil, mean: [Float]? = nil, std: [Float]? = nil,
    fit: Fit = .stretch
  ) throws(PipelineError) {
    guard let size = size ?? model.inputSize else {
      throw .modelInput(
        path: model.url.path, reason: "the model does not say its input size; give --size WxH")
    }
    let mean = mean ?? model.mean ?? [0.5, 0.5, 0.5]
    let std = std ?? model.std ?? [0.5, 0.5, 0.5]
    guard mean.count == 3, std.count == 3, std.allSatisfy({ $0 > 0 }) else {
      throw .modelInput(path: model.url.path, reason: "mean and std need 3 values, std > 0")
    }
    self.init(width: size.width, height: size.height, mean: mean, std: std, fit: fit)
  }

  /// What the video layer should deliver beside each full frame.
  public var scaledOutput: ScaledOutput {
    ScaledOutput(width: width, height: height, fit: fit, filter: .area)
  }

  /// Resizes a full picture to the model's size with the fit (area filter, as OpenCV's
  /// INTER_AREA that the reference used).
  public func fitted(_ image: RGBImage, scaler: ImageScaler) throws(VideoIOError) -> ScaledImage {
    try scaler.scale(image, width: width, height: height, fit: fit, filter: .area)
  }

  /// The normalised batch `[N, 3, height, width]` of pictures already at the model's size.
  ///
  /// Its storage comes from the engine's pool of released activations (a forward pass gives its
  /// input back there too): a batch of eight 224×224 pictures is 4.8 MB, which allocated fresh
  /// came from `mmap` and cost 1 176 page faults per batch, most of a render's steady-state
  /// faults.
  public func tensor(_ images: [RGBImage]) -> Tensor {
    precondition(!images.isEmpty && images.allSatisfy { $0.width == width && $0.height == height })
    let plane = width * height
    let scale = (0..<3).map { 1 / (255 * std[$0]) }
    let shift = (0..<3).map { -mean[$0] / std[$0] }
    return Tensor(shape: [images.count, 3, height, width]) { out in
      for (n, image) in images.enumerated() {
        image.pixels.withUnsafeBufferPointer { px in
          for c in 0..<3 {
            let base = (n * 3 + c) * plane
            let s = scale[c]
            let b = shift[c]
            for i in 0..<plane { out[base + i] = Float(px[i * 3 + c]) * s + b }
          }
        }
      }
    }
  }
}
