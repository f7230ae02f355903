import Foundation
import TestSupport
import Testing

@testable import Pipeline

@Suite("ModelLocator")
struct ModelLocatorTests {
  @Test("the default lives under XDG_DATA_HOME, else ~/.local/share")
  func defaultPath() {
    #expect(
      ModelLocator.defaultPath(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"])
        == "/d/camvideo/efficientnet_lite0.onnx")
    #expect(
      ModelLocator.defaultPath(environment: ["HOME": "/h"])
        == "/h/.local/share/camvideo/efficientnet_lite0.onnx")
    #expect(
      ModelLocator.defaultPath(environment: ["XDG_DATA_HOME": "", "HOME": "/h"])
        == "/h/.local/share/camvideo/efficientnet_lite0.onnx")
  }

  @Test("--model wins over $CAMVIDEO_MODEL, which wins over the default; missing files are errors")
  func precedence() throws {
    let dir = TestEnvironment.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a.onnx").path
    let b = dir.appendingPathComponent("b.onnx").path
    #expect(FileManager.default.createFile(atPath: a, contents: Data([1])))
    #expect(FileManager.default.createFile(atPath: b, contents: Data([1])))
    #expect(try ModelLocator.locate(a, environment: ["CAMVIDEO_MODEL": b]) == a)
    #expect(try ModelLocator.locate(nil, environment: ["CAMVIDEO_MODEL": b]) == b)
    #expect(throws: PipelineError.self) {
      try ModelLocator.locate(nil, environment: ["XDG_DATA_HOME": dir.path])
    }
    #expect(throws: PipelineError.self) { try ModelLocator.locate(dir.path, environment: [:]) }
  }
}
