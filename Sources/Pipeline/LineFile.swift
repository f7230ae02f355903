import Foundation

/// A text file written line by line under a temporary name in its folder and renamed into
/// place by `finish()`; released unfinished, it removes the temporary file.
final class LineFile: @unchecked Sendable {
  let path: String
  private let temporary: String
  private let handle: FileHandle
  private var finished = false

  init(_ path: String) throws {
    self.path = path
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    temporary = folder + "/." + url.lastPathComponent + ".\(UInt32.random(in: 0...UInt32.max)).part"
    guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
      throw PipelineError.output(path: path, reason: "cannot create a file in \(folder)")
    }
    guard let handle = FileHandle(forWritingAtPath: temporary) else {
      throw PipelineError.output(path: path, reason: "cannot open \(temporary) for writing")
    }
    self.handle = handle
  }

  func append(_ line: String) throws {
    do {
      try handle.write(contentsOf: Data((line + "\n").utf8))
    } catch {
      throw PipelineError.output(path: path, reason: "cannot write: \(error.localizedDescription)")
    }
  }

  func finish() throws {
    try? handle.close()
    guard rename(temporary, path) == 0 else {
      throw PipelineError.output(path: path, reason: "cannot rename \(temporary) into place")
    }
    finished = true
  }

  deinit {
    if !finished {
      try? handle.close()
      unlink(temporary)
    }
  }
}
