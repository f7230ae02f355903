import ArgumentParser
internal import Foundation
internal import Pipeline

/// `camvideo classify IMAGE... [--top K] [--json]`: the top-K classes of each photo.
struct Classify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the top classes the model sees in photos.")

  @Argument(help: "Photos (PNG, JPEG, BMP, WebP...; a video's first frame also works).")
  var images: [String]

  @Option(help: "How many classes per photo.")
  var top: Int = 5

  @Flag(help: "Print a JSON array.")
  var json = false

  @OptionGroup var modelOptions: ModelOptionGroup

  func validate() throws {
    if images.isEmpty { throw ValidationError("name at least one photo") }
    if top < 1 { throw ValidationError("--top must be at least 1") }
  }

  func run() throws {
    try reportingErrors {
      let (model, input, labels) = try modelOptions.load()
      let classifier = Classifier(model: model, input: input, labels: labels)
      let photos = try images.map { try PhotoLoader.load($0) }
      let results = try classifier.classify(photos, top: top)
      if json {
        let doc = zip(images, results).map { ClassifyReport(path: $0, result: $1) }
        print(try jsonString(doc))
      } else {
        for (path, r) in zip(images, results) {
          print(path)
          for p in r.top {
            print(String(format: "  %6.2f%%  %4d  %@", p.prob * 100, p.id, p.label as NSString))
          }
        }
      }
    }
  }
}

/// One element of `classify --json` (../shared/CLI.md).
struct ClassifyReport: Encodable {
  struct Top: Encodable {
    var id: Int
    var label: String
    var prob: Float
  }
  var camvideoVersion = CamVideo.version
  var path: String
  var top: [Top]
  var logitsMax: Float

  init(path: String, result: Classification) {
    self.path = path
    top = result.top.map { Top(id: $0.id, label: $0.label, prob: $0.prob) }
    logitsMax = result.logitsMax
  }
}
