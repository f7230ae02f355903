import ArgumentParser
internal import CAM
internal import Foundation
internal import Pipeline
internal import VideoIO

/// `camvideo image INPUT OUTPUT.png [options] [--guided]`: one photo's overlay — with
/// `--guided`, the three pictures of pytorch-grad-cam's classic demo.
struct Image: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write the Grad-CAM overlay of one photo as a PNG.")

  @Argument(help: "A photo (PNG, JPEG, BMP, WebP...).")
  var input: String

  @Argument(help: "The overlay PNG; --guided adds OUTPUT-gb.png and OUTPUT-cam-gb.png.")
  var output: String

  @OptionGroup var modelOptions: ModelOptionGroup
  @OptionGroup var camOptions: CAMOptionGroup

  @Flag(help: "Also guided backpropagation and Guided Grad-CAM pictures.")
  var guided = false

  func run() throws {
    try reportingErrors {
      let (model, modelInput, labels) = try modelOptions.load()
      let (runner, target) = try camOptions.runner(for: model, labels: labels)
      let photo = try PhotoLoader.load(input)
      let fitted = try modelInput.fitted(photo, scaler: ImageScaler())
      let tensor = modelInput.tensor([fitted.image])
      let result = try runner.explain(tensor, target: target)
      let placement = HeatmapPlacement(
        map: result.map.width, result.map.height, frame: photo, scaled: fitted)
      let overlay = camOptions.overlay.blend(photo, map: placement.place(result.map.values))
      try PictureFile.writePNG(overlay, to: output)
      var written = [output]
      if guided {
        let gradient = try runner.inputGradients(tensor, targets: [.classIndex(result.classID)])
        if let gb = gradient.first {
          let stem = Self.stem(output)
          let size = (gb.width, gb.height)
          try PictureFile.writePNG(
            RGBImage(width: size.0, height: size.1, pixels: gb.deprocessed()), to: stem + "-gb.png")
          try PictureFile.writePNG(
            RGBImage(width: size.0, height: size.1, pixels: gb.guidedGradCAM(result.map)),
            to: stem + "-cam-gb.png")
          written += [stem + "-gb.png", stem + "-cam-gb.png"]
        }
      }
      let p = result.classID < result.probabilities.count ? result.probabilities[result.classID] : 0
      print(
        String(
          format: "%@: %@ (%d) %.3f → %@", input as NSString, labels[result.classID] as NSString,
          result.classID, p, written.joined(separator: ", ") as NSString))
    }
  }

  /// `out.png` → `out`: the name the guided pictures extend.
  static func stem(_ path: String) -> String {
    let url = URL(fileURLWithPath: path)
    guard !url.pathExtension.isEmpty else { return path }
    return String(path.dropLast(url.pathExtension.count + 1))
  }
}
