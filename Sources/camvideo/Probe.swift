import ArgumentParser
internal import Foundation
internal import VideoIO

/// `camvideo probe INPUT [--count-frames] [--json]`: what the video layer sees.
struct Probe: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Show what camvideo sees in a video: container, codec, sizes, rotation, rates, frames, audio."
  )

  @Argument(help: "A file, '-' for standard input, a URL or a device.")
  var input: String

  @Flag(help: "Decode every frame and report how many there are.")
  var countFrames = false

  @Flag(help: "Print one JSON object.")
  var json = false

  @OptionGroup var inputOptions: InputOptionGroup

  func run() throws {
    try reportingErrors {
      let reader = try VideoReader(input, options: inputOptions.options())
      var decoded: Int?
      var warning: String?
      if countFrames {
        decoded = try reader.countRemainingFrames()
        warning = reader.stats.warning
      }
      let report = ProbeReport(path: input, info: reader.info, framesDecoded: decoded)
      if json {
        print(try jsonString(report))
      } else {
        print(report.text)
      }
      if let warning { printError("\(input): \(warning)") }
    }
  }
}
