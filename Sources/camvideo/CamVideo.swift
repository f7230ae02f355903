import ArgumentParser
internal import Engine
internal import VideoIO

/// camvideo: what an image classifier looks at, frame by frame, in video.
@main
struct CamVideo: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "camvideo",
    abstract: "Grad-CAM heat maps for video, on FFmpeg and OpenBLAS.",
    version: """
      camvideo \(version)
      FFmpeg \(FFmpegVersion.string) (\(FFmpegVersion.libraries))
      \(BLAS.version)
      """,
    subcommands: [Probe.self, Classify.self, Layers.self]
  )
}
