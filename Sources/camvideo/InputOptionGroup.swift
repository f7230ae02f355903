import ArgumentParser
internal import VideoIO

/// The input flags every command that reads video shares (../shared/CLI.md, "Input and output").
struct InputOptionGroup: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Demuxer or device kind (v4l2, lavfi, mpegts, image2...).", valueName: "name"))
  var inputFormat: String?

  @Option(help: ArgumentHelp("A demuxer/device option; repeatable.", valueName: "key=value"))
  var inputOption: [KeyValue] = []

  @Option(
    help: ArgumentHelp(
      "Give up on a live source after this long without a frame.", valueName: "time"))
  var timeout: Duration?

  func validate() throws {
    if let f = inputFormat, !FFmpegVersion.hasDemuxer(f) {
      throw ValidationError("unknown input format '\(f)' (see `ffmpeg -formats`)")
    }
  }

  func options(includeAudio: Bool = false) -> InputOptions {
    InputOptions(
      format: inputFormat, options: inputOption.map { ($0.key, $0.value) },
      timeout: timeout?.seconds, includeAudio: includeAudio)
  }
}

/// `KEY=VALUE`.
struct KeyValue: ExpressibleByArgument {
  var key: String
  var value: String

  init?(argument: String) {
    guard let eq = argument.firstIndex(of: "="), eq != argument.startIndex else { return nil }
    key = String(argument[..<eq])
    value = String(argument[argument.index(after: eq)...])
  }
}

/// A time: seconds (`12.5`) or `[HH:]MM:SS[.ms]`.
struct Duration: ExpressibleByArgument {
  var seconds: Double

  init?(argument: String) {
    let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
    guard (1...3).contains(parts.count) else { return nil }
    var total = 0.0
    for (i, part) in parts.enumerated() {
      guard let v = Double(part), v >= 0, v.isFinite else { return nil }
      if i < parts.count - 1 && (v != v.rounded() || part.contains(".")) { return nil }
      if i > 0 && v >= 60 { return nil }
      total = total * 60 + v
    }
    seconds = total
  }
}
