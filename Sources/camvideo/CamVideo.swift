import ArgumentParser
internal import Engine
internal import Pipeline
internal import VideoIO

/// camvideo: what an image classifier looks at, frame by frame, in video.
@main
struct CamVideo: ParsableCommand {
  static let version = CamvideoVersion.string

  static let configuration = CommandConfiguration(
    commandName: "camvideo",
    abstract: "Grad-CAM heat maps for video, on FFmpeg and OpenBLAS.",
    version: """
      camvideo \(version)
      FFmpeg \(FFmpegVersion.string) (\(FFmpegVersion.libraries))
      \(BLAS.version)
      """,
    subcommands: [
      Render.self, Image.self, Classify.self, Layers.self, Probe.self, Devices.self, Batch.self,
      BatchReportCommand.self,
    ],
    defaultSubcommand: Render.self
  )
}
