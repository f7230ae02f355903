import ArgumentParser
internal import VideoIO

/// The output flags of ../shared/CLI.md ("Input and output").
struct OutputOptionGroup: ParsableArguments {
  @Option(help: ArgumentHelp("Output muxer (default: from the extension).", valueName: "name"))
  var format: String?

  @Option(help: ArgumentHelp("Video encoder.", valueName: "name"))
  var codec = "libx264"

  @Option(help: ArgumentHelp("Encoder preset (x264/x265).", valueName: "name"))
  var preset = "veryfast"

  @Option(help: "Constant rate factor (quality; lower is better).")
  var crf = 23

  @Flag(help: "Leave the input's audio out.")
  var noAudio = false

  func validate() throws {
    if !(0...63).contains(crf) { throw ValidationError("--crf must be between 0 and 63") }
  }

  var settings: OutputSettings {
    OutputSettings(
      format: format, codec: codec,
      preset: ["libx264", "libx264rgb", "libx265"].contains(codec) ? preset : nil, crf: crf,
      includeAudio: !noAudio)
  }
}

/// Which part of the input to process (`--start`, `--duration`, `--max-frames`) and live input.
struct SpanOptionGroup: ParsableArguments {
  @Option(help: ArgumentHelp("Skip the input up to this time.", valueName: "time"))
  var start: Duration?

  @Option(help: ArgumentHelp("Process this much of the input.", valueName: "time"))
  var duration: Duration?

  @Option(help: "Process at most this many frames.")
  var maxFrames: Int?

  @Option(help: ArgumentHelp("Camera frame size (V4L2 video_size).", valueName: "WxH"))
  var inputSize: Size?

  @Option(help: ArgumentHelp("Camera frame rate (V4L2 framerate).", valueName: "n"))
  var inputFps: Double?

  @Option(
    help: ArgumentHelp("Camera pixel format, e.g. mjpeg or yuyv422.", valueName: "name"))
  var inputPixelFormat: String?

  @Flag(help: "Live input: drop the oldest frames when the model falls behind.")
  var live = false

  func validate() throws {
    if let maxFrames, maxFrames < 1 { throw ValidationError("--max-frames must be at least 1") }
    if let duration, duration.seconds <= 0 { throw ValidationError("--duration must be positive") }
    if let inputFps, !(inputFps > 0) { throw ValidationError("--input-fps must be positive") }
  }

  /// The camera flags as demuxer options (V4L2's names).
  var deviceOptions: [(key: String, value: String)] {
    var out: [(key: String, value: String)] = []
    if let inputSize { out.append(("video_size", "\(inputSize.width)x\(inputSize.height)")) }
    if let inputFps { out.append(("framerate", String(inputFps))) }
    if let inputPixelFormat { out.append(("input_format", inputPixelFormat)) }
    return out
  }
}
