import Foundation

/// The `--frames-json` line of one frame (../shared/CLI.md): index, pts, the target and the
/// top-5 with probabilities, the map's peak and the box around its hot part (≥ 0.5), in pixels
/// of the output frame, and the map's largest raw value.
struct FrameRecord: Encodable {
  struct Class: Encodable {
    var id: Int
    var label: String
    var prob: Float
  }
  struct Point: Encodable { var x: Int, y: Int }
  struct Box: Encodable { var x: Int, y: Int, w: Int, h: Int }

  var camvideoVersion = CamvideoVersion.string
  var index: Int
  var ptsS: Double
  var target: Class
  var top: [Class]
  var peak: Point
  var box: Box
  var mapMaxRaw: Float

  init(
    frame: DecodedFrame, explanation e: FrameExplanation, statistics s: MapStatistics, xOffset: Int
  ) {
    index = frame.index
    ptsS = frame.seconds
    target = Class(id: e.target.id, label: e.target.label, prob: e.target.prob)
    top = e.top.map { Class(id: $0.id, label: $0.label, prob: $0.prob) }
    peak = Point(x: s.peakX + xOffset, y: s.peakY)
    box = Box(x: s.box.x + xOffset, y: s.box.y, w: s.box.width, h: s.box.height)
    mapMaxRaw = e.rawMax
  }

  /// The encoder of the lines (snake_case, sorted keys), made once per run.
  static func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  func json(_ encoder: JSONEncoder) throws -> String {
    String(decoding: try encoder.encode(self), as: UTF8.self)
  }
}

/// camvideo's version, written into every JSON document.
public enum CamvideoVersion {
  public static let string = "0.1.0"
}
