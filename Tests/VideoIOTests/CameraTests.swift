import Foundation
import Testing

@testable import VideoIO

@Suite("Camera")
struct CameraTests {
  @Test("four-character codes read little-endian, and map to FFmpeg's names")
  func fourcc() {
    #expect(Camera.fourccString(0x5659_5559) == "YUYV")
    #expect(Camera.fourccString(0x4750_4A4D) == "MJPG")
    #expect(Camera.ffmpegNames["YUYV"] == "yuyv422" && Camera.ffmpegNames["MJPG"] == "mjpeg")
  }

  @Test("a node that is not a V4L2 capture device is not a camera; a missing one says why")
  func notCameras() {
    #expect(Camera.query("/dev/null") == nil)
    let missing = Camera.query("/dev/video-does-not-exist")
    #expect(missing?.formats.isEmpty == true && missing?.name.contains("cannot open") == true)
  }

  @Test("only video<N> nodes are considered, in numeric order")
  func listing() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "camvideo-cams-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in ["video10", "video2", "videox", "audio0"] {
      _ = FileManager.default.createFile(
        atPath: folder.appendingPathComponent(name).path, contents: Data())
    }
    // Plain files are opened but answer no V4L2 query: none is a camera.
    #expect(Camera.list(folder: folder.path).isEmpty)
  }
}
