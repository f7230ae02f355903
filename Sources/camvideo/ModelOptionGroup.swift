import ArgumentParser
internal import Engine
internal import Foundation
internal import Pipeline
internal import VideoIO

/// The model flags of ../shared/CLI.md ("Model and CAM") shared by classify, image and render.
struct ModelOptionGroup: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "ONNX model; else $CAMVIDEO_MODEL; else the installed EfficientNet-Lite0.", valueName: "path")
  )
  var model: String?

  @Option(
    help: ArgumentHelp("Class names, one per line (default: the model's own).", valueName: "file"))
  var labels: String?

  @Option(help: ArgumentHelp("Per-channel mean of the input normalisation.", valueName: "r,g,b"))
  var mean: FloatTriple?

  @Option(help: ArgumentHelp("Per-channel std of the input normalisation.", valueName: "r,g,b"))
  var std: FloatTriple?

  @Option(help: ArgumentHelp("Model input size (default: the model's).", valueName: "WxH"))
  var size: Size?

  @Option(help: "How a picture maps to the model input: stretch, crop (centre square) or pad.")
  var fit: FitChoice = .stretch

  @Option(help: "Compute threads for the model (default: all cores).")
  var threads: Int?

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    if let std, std.values.contains(where: { $0 <= 0 }) {
      throw ValidationError("--std must be positive")
    }
  }

  /// Loads the model and what goes with it: input preprocessing and labels.
  func load() throws -> (model: Model, input: ModelInput, labels: Labels) {
    BLAS.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
    let path = try ModelLocator.locate(model)
    let loaded = try Model.load(contentsOf: URL(fileURLWithPath: path))
    let input = try ModelInput(
      model: loaded, size: size.map { ($0.width, $0.height) }, mean: mean?.values, std: std?.values,
      fit: fit.fit)
    let classes = loaded.outputShapes.first?.last?.value ?? 0
    let names: Labels
    if let labels {
      names = try Labels(contentsOf: labels)
    } else if let own = loaded.labels {
      names = Labels(own)
    } else {
      names = Labels.numbered(classes)
    }
    if classes > 0 && names.names.count != classes {
      throw PipelineError.labels(
        path: labels ?? path, reason: "\(names.names.count) names for \(classes) classes")
    }
    return (loaded, input, names)
  }
}

/// `--fit`: the video layer's `Fit`, as a closed choice of the command line.
enum FitChoice: String, CaseIterable, ExpressibleByArgument {
  case stretch, crop, pad
  var fit: Fit {
    switch self {
    case .stretch: .stretch
    case .crop: .crop
    case .pad: .pad
    }
  }
}

/// `0.485,0.456,0.406`.
struct FloatTriple: ExpressibleByArgument {
  var values: [Float]
  init?(argument: String) {
    let v = argument.split(separator: ",").compactMap { Float($0) }
    guard v.count == 3, v.allSatisfy(\.isFinite) else { return nil }
    values = v
  }
}

/// `224x224`.
struct Size: ExpressibleByArgument {
  var width: Int
  var height: Int
  init?(argument: String) {
    let p = argument.lowercased().split(separator: "x").compactMap { Int($0) }
    guard p.count == 2, p[0] > 0, p[1] > 0, p[0] <= 8192, p[1] <= 8192 else { return nil }
    width = p[0]
    height = p[1]
  }
}
