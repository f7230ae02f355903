import ArgumentParser
internal import Foundation
internal import VideoIO

/// Writes a line to standard error.
func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Runs `body`; a `VideoIOError` (or any runtime error) becomes one line on standard error and
/// exit status 1 (../shared/CLI.md).
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as VideoIOError {
    printError("camvideo: \(error)")
    throw ExitCode(1)
  }
}
