import ArgumentParser
internal import Foundation
internal import Pipeline
internal import VideoIO

/// `camvideo devices [--json]`: the V4L2 cameras and their modes, as `--input-size`,
/// `--input-fps` and `--input-pixel-format` take them.
struct Devices: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List cameras (V4L2) and their modes.")

  @Flag(help: "Print a JSON document.")
  var json = false

  func run() throws {
    let cameras = Camera.list()
    if json {
      print(try jsonString(DevicesReport(cameras: cameras)))
      return
    }
    guard !cameras.isEmpty else {
      print("no cameras found (no /dev/video* capture device)")
      return
    }
    for camera in cameras {
      print("\(camera.path)  \(camera.name)" + (camera.driver.isEmpty ? "" : " (\(camera.driver))"))
      for format in camera.formats {
        let name = format.ffmpegName.map { "--input-pixel-format \($0)" } ?? "no FFmpeg name"
        print("  \(format.fourcc)  \(format.description)  [\(name)]")
        for mode in format.modes {
          let rates = mode.rates.map { String(format: "%g", $0) }.joined(separator: ", ")
          let size =
            mode.isRange
            ? "\(mode.minimumWidth)x\(mode.minimumHeight) to \(mode.width)x\(mode.height)"
            : "\(mode.width)x\(mode.height)"
          print("    \(size)" + (rates.isEmpty ? "" : "  \(rates) fps"))
        }
      }
    }
  }
}

/// `devices --json`.
struct DevicesReport: Encodable {
  struct Device: Encodable {
    var path: String
    var name: String
    var driver: String
    var formats: [Format]
  }
  struct Format: Encodable {
    var fourcc: String
    var pixelFormat: String?
    var description: String
    var modes: [Mode]
  }
  struct Mode: Encodable {
    var width: Int
    var height: Int
    var fps: [Double]
  }
  var camvideoVersion = CamvideoVersion.string
  var devices: [Device]

  init(cameras: [Camera]) {
    devices = cameras.map { c in
      Device(
        path: c.path, name: c.name, driver: c.driver,
        formats: c.formats.map { f in
          Format(
            fourcc: f.fourcc, pixelFormat: f.ffmpegName, description: f.description,
            modes: f.modes.map { Mode(width: $0.width, height: $0.height, fps: $0.rates) })
        })
    }
  }
}
