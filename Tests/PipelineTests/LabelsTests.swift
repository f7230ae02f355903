import Foundation
import TestSupport
import Testing

@testable import Pipeline

@Suite("Labels")
struct LabelsTests {
  @Test("one name per line; CRLF and a final newline are fine; unknown ids get a placeholder")
  func reading() throws {
    let dir = TestEnvironment.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("l.txt").path
    try "tench\r\ngoldfish\r\n".write(toFile: path, atomically: true, encoding: .utf8)
    let labels = try Labels(contentsOf: path)
    #expect(labels.names == ["tench", "goldfish"])
    #expect(labels[1] == "goldfish" && labels[7] == "class 7")
    try "".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: PipelineError.self) { try Labels(contentsOf: path) }
  }
}
