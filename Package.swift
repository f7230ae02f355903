// swift-tools-version: 6.1
// camvideo: Grad-CAM for video. One-way layers (see ../shared/STYLE.md):
//   CVideoShim (C, FFmpeg) ─► VideoIO ─┐
//   COpenBLAS, CKernels ─► Engine ─────┴─► camvideo (CLI)
import PackageDescription

let swiftSettings: [SwiftSetting] = [
  .enableUpcomingFeature("InternalImportsByDefault"),
  .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
  name: "camvideo",
  products: [
    .executable(name: "camvideo", targets: ["camvideo"]),
    .library(name: "Pipeline", targets: ["Pipeline"]),
    .library(name: "VideoIO", targets: ["VideoIO"]),
    .library(name: "Engine", targets: ["Engine"]),
    .library(name: "CAM", targets: ["CAM"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
  ],
  targets: [
    // Debian's FFmpeg 5.1 (libavformat, libavcodec, libswscale, libswresample, libavutil,
    // libavdevice), found by pkg-config. Only the shim includes its headers.
    .systemLibrary(
      name: "CFFmpeg",
      pkgConfig: "libavformat",
      providers: [
        .apt([
          "libavformat-dev", "libavcodec-dev", "libswscale-dev", "libswresample-dev",
          "libavutil-dev", "libavdevice-dev",
        ])
      ]
    ),
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    // The engine's own vectorised kernels (packed GEMM, depthwise): AVX2 + FMA chosen at run time
    // by per-function target attributes, portable C elsewhere (so no -mavx2 for the target).
    .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-Wall", "-Wextra"])]),
    // The narrow C boundary: opaque handles and cv_<object>_<verb>() functions.
    .target(
      name: "CVideoShim",
      dependencies: ["CFFmpeg"],
      cSettings: [.unsafeFlags(["-Wall", "-Wextra", "-Wno-unused-parameter"])],
      linkerSettings: [
        // libavdevice is loaded on demand (util.c), not linked.
        .linkedLibrary("avformat"), .linkedLibrary("avcodec"),
        .linkedLibrary("swscale"), .linkedLibrary("swresample"), .linkedLibrary("avutil"),
      ]
    ),
    .target(
      name: "VideoIO",
      dependencies: ["CVideoShim", .product(name: "Logging", package: "swift-log")],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "Engine",
      dependencies: [
        "COpenBLAS", "CKernels", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings
    ),
    // The CAM methods on the engine: targets, Grad-CAM and its variants, guided backprop. Sees
    // tensors, never video.
    .target(name: "CAM", dependencies: ["Engine"], swiftSettings: swiftSettings),
    // The first layer that sees both frames and tensors: preprocessing, classification (and,
    // later, overlay and the bounded stages).
    .target(
      name: "Pipeline", dependencies: ["VideoIO", "Engine", "CAM"], swiftSettings: swiftSettings),
    .executableTarget(
      name: "camvideo",
      dependencies: [
        "VideoIO", "Engine", "CAM", "Pipeline",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: swiftSettings
    ),
    // Speed of the video layer next to the ffmpeg CLI (make bench).
    .executableTarget(
      name: "camvideo-bench-video", dependencies: ["VideoIO"], path: "Benchmarks/VideoIOBench",
      swiftSettings: swiftSettings),
    // Speed of the engine next to onnxruntime on the same model (make bench).
    .executableTarget(
      name: "camvideo-bench-engine", dependencies: ["Engine"], path: "Benchmarks/EngineBench",
      exclude: ["ort_time.py"], swiftSettings: swiftSettings),
    // Milliseconds per photo of every CAM method on the default model (make bench).
    .executableTarget(
      name: "camvideo-bench-cam", dependencies: ["CAM", "Engine"], path: "Benchmarks/CAMBench",
      swiftSettings: swiftSettings),
    // The ONNX importer's fuzz target (make fuzz; make fuzz-libfuzzer for coverage guidance).
    .executableTarget(
      name: "camvideo-fuzz-importer", dependencies: ["Engine"], path: "Fuzz/ImporterFuzz",
      swiftSettings: swiftSettings),
    // Locating fixtures, generated media, ../shared and the built binary; running ffprobe.
    .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
    .testTarget(name: "VideoIOTests", dependencies: ["VideoIO", "CVideoShim", "TestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["VideoIO", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "TestSupport"]),
    .testTarget(
      name: "EngineTests", dependencies: ["Engine", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(
      name: "CAMTests", dependencies: ["CAM", "Engine", "TestSupport"], exclude: ["Fixtures"]),
  ]
)
