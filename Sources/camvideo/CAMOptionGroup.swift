import ArgumentParser
internal import CAM
internal import Engine
internal import Pipeline

/// The CAM flags of ../shared/CLI.md ("Model and CAM") shared by image, render and batch.
struct CAMOptionGroup: ParsableArguments {
  @Option(
    name: .customLong("class"),
    help: ArgumentHelp(
      "What to explain: auto (top-1), a class index, or a class name.", valueName: "auto|id|name"))
  var target = "auto"

  @Option(name: .customLong("target"), help: "The score whose gradient is taken: logit or softmax.")
  var score: ScoreChoice = .logit

  @Option(help: ArgumentHelp("The CAM method.", valueName: MethodChoice.valueList))
  var method: MethodChoice = .gradcam

  @Option(
    help: ArgumentHelp(
      "Target layer: a tensor, node or module name (`camvideo layers`); repeatable.",
      valueName: "name"))
  var layer: [String] = []

  @Flag(help: "Test-time augmentation: flip × {0.9, 1, 1.1}, six passes in one batch.")
  var augSmooth = false

  @Flag(help: "First principal component of the weighted activations.")
  var eigenSmooth = false

  @Option(help: "Weight of the picture in the blend, 0...1.")
  var imageWeight: Float = 0.5

  @Option(help: ArgumentHelp("Colour scale.", valueName: "jet|turbo|viridis|inferno|gray"))
  var colormap: ColormapChoice = .jet

  func validate() throws {
    if !(0...1).contains(imageWeight) {
      throw ValidationError("--image-weight must be between 0 and 1")
    }
  }

  var options: CAMOptions {
    CAMOptions(
      method: method.method, layers: layer, score: score.score, augSmooth: augSmooth,
      eigenSmooth: eigenSmooth)
  }

  var overlay: Overlay { Overlay(imageWeight: imageWeight, colormap: colormap.colormap) }

  /// The runner these flags describe for `model`, and `--class` resolved against its labels
  /// (bounded by the model's class count when it states one).
  func runner(for model: Model, labels: Labels) throws -> (runner: CAMRunner, target: CAMTarget) {
    let runner = try CAMRunner(model: model, options: options)
    let classes = model.outputShapes.first?.last?.value ?? labels.names.count
    let selector = ClassSelector(labels: labels.names, classCount: classes > 0 ? classes : nil)
    return (runner, try selector.target(target))
  }
}

extension CAMTarget {
  /// The fixed class, or nil for `auto` (the pipeline's `classID`).
  var fixedClass: Int? {
    switch self {
    case .top1: nil
    case .classIndex(let id): id
    }
  }
}

enum ScoreChoice: String, CaseIterable, ExpressibleByArgument {
  case logit, softmax
  var score: TargetScore { self == .logit ? .logit : .softmax }
}

/// `--method`: CAM's methods under their CLI names.
struct MethodChoice: ExpressibleByArgument {
  var method: CAMMethod
  init?(argument: String) {
    guard let m = CAMMethod(rawValue: argument.lowercased()) else { return nil }
    method = m
  }
  init(_ m: CAMMethod) { method = m }
  static let gradcam = MethodChoice(.gradcam)
  static var allValueStrings: [String] { CAMMethod.allCases.map(\.rawValue) }
  static var valueList: String { allValueStrings.joined(separator: "|") }
  var defaultValueDescription: String { method.rawValue }
}

enum ColormapChoice: String, CaseIterable, ExpressibleByArgument {
  case jet, turbo, viridis, inferno, gray
  var colormap: Colormap { Colormap(rawValue: rawValue) ?? .jet }
}
