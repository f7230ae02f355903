internal import Foundation
internal import VideoIO

/// The `probe --json` document (../shared/CLI.md) and its text form.
struct ProbeReport: Encodable {
  struct Stream: Encodable {
    var index: Int
    var kind: String
    var codec: String
  }
  struct Video: Encodable {
    var codec: String
    var profile: String
    var pixFmt: String
    var codedWidth: Int
    var codedHeight: Int
    var storedWidth: Int
    var storedHeight: Int
    var width: Int
    var height: Int
    var rotation: Int
    var mirrored: Bool
    var fps: Double
    var avgFps: Double
    var fpsRational: String
    var avgFpsRational: String
    var timeBase: String
    var durationS: Double?
    var framesContainer: Int
    var framesDecoded: Int?
  }
  struct Audio: Encodable {
    var codec: String
    var sampleRate: Int
    var channels: Int
    var layout: String
  }

  var camvideoVersion = CamVideo.version
  var path: String
  var format: String
  var formatLongName: String
  var durationS: Double?
  var bitRate: Int
  var streams: [Stream]
  var video: Video
  var audio: [Audio]

  init(path: String, info: MediaInfo, framesDecoded: Int?) {
    self.path = path
    format = info.format
    formatLongName = info.formatLongName
    durationS = info.duration
    bitRate = info.bitRate
    streams = info.streams.map { Stream(index: $0.index, kind: $0.kind, codec: $0.codec) }
    let v = info.video
    video = Video(
      codec: v.codec, profile: v.profile, pixFmt: v.pixelFormat, codedWidth: v.codedWidth,
      codedHeight: v.codedHeight, storedWidth: v.storedWidth, storedHeight: v.storedHeight,
      width: v.width,
      height: v.height, rotation: v.rotation, mirrored: v.mirrored, fps: v.frameRate.value,
      avgFps: v.averageFrameRate.value, fpsRational: v.frameRate.description,
      avgFpsRational: v.averageFrameRate.description, timeBase: v.timeBase.description,
      durationS: v.duration, framesContainer: v.framesInContainer, framesDecoded: framesDecoded)
    audio = info.audio.map {
      Audio(codec: $0.codec, sampleRate: $0.sampleRate, channels: $0.channels, layout: $0.layout)
    }
  }

  var text: String {
    func seconds(_ s: Double?) -> String { s.map { String(format: "%.3f s", $0) } ?? "unknown" }
    let v = video
    var lines = [
      "\(path)",
      "  container  \(format) (\(formatLongName)), duration \(seconds(durationS))"
        + (bitRate > 0 ? ", \(bitRate / 1000) kb/s" : ""),
      "  video      \(v.codec)\(v.profile.isEmpty ? "" : " (\(v.profile))"), \(v.pixFmt), "
        + "\(v.width)x\(v.height) displayed"
        + (v.rotation != 0 || v.mirrored
          ? " (stored \(v.storedWidth)x\(v.storedHeight), rotated \(v.rotation)°\(v.mirrored ? ", mirrored" : ""))"
          : "")
        + ", coded \(v.codedWidth)x\(v.codedHeight)",
      "  rate       \(String(format: "%.3f", v.fps)) fps nominal (\(v.fpsRational)), "
        + "\(String(format: "%.3f", v.avgFps)) fps average (\(v.avgFpsRational)), time base \(v.timeBase)",
      "  frames     \(v.framesContainer > 0 ? "\(v.framesContainer) in the container" : "not stated by the container")"
        + (v.framesDecoded.map { ", \($0) decoded" } ?? ""),
    ]
    if audio.isEmpty {
      lines.append("  audio      none")
    }
    for a in audio {
      lines.append("  audio      \(a.codec), \(a.sampleRate) Hz, \(a.channels) ch (\(a.layout))")
    }
    let others = streams.filter { $0.kind != "video" && $0.kind != "audio" }
    if !others.isEmpty {
      lines.append(
        "  other      "
          + others.map { "#\($0.index) \($0.kind) \($0.codec)" }.joined(separator: ", "))
    }
    return lines.joined(separator: "\n")
  }
}
