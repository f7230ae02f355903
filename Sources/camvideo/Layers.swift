import ArgumentParser
internal import Engine
internal import Foundation
internal import Pipeline

/// `camvideo layers [--model PATH]`: the graph as a Grad-CAM user wants to see it.
struct Layers: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "List the model's tensors (what --layer takes), their ops and shapes; * marks the default target."
  )

  @Option(
    help: ArgumentHelp(
      "ONNX model; else $CAMVIDEO_MODEL; else the installed EfficientNet-Lite0.", valueName: "path")
  )
  var model: String?

  func run() throws {
    try reportingErrors {
      let path = try ModelLocator.locate(model)
      let loaded = try Model.load(contentsOf: URL(fileURLWithPath: path))
      let target = loaded.defaultTargetLayer
      let rows = loaded.tensors
      let nameWidth = min(60, rows.map(\.name.count).max() ?? 10)
      let opWidth = max(8, rows.map(\.opType.count).max() ?? 8)
      print(
        "\(path): \(loaded.nodeCounts.file) nodes in the file, \(loaded.nodeCounts.compiled) after folding"
      )
      print(
        "  " + "tensor".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
          + "op".padding(toLength: opWidth, withPad: " ", startingAt: 0) + "  shape        node")
      for t in rows {
        let mark = t.name == target ? "* " : "  "
        let shape = "[" + t.shape.map(\.description).joined(separator: ", ") + "]"
        print(
          mark + t.name.padding(toLength: max(nameWidth, t.name.count), withPad: " ", startingAt: 0)
            + "  "
            + t.opType.padding(toLength: opWidth, withPad: " ", startingAt: 0) + "  "
            + shape.padding(toLength: max(12, shape.count), withPad: " ", startingAt: 0) + " "
            + t.node)
      }
      if let target { print("* default Grad-CAM target: \(target)") }
    }
  }
}
