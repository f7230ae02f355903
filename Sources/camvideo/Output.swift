import ArgumentParser
internal import CAM
internal import Engine
internal import Foundation
internal import Pipeline
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
  } catch let error as PipelineError {
    printError("camvideo: \(error)")
    throw ExitCode(1)
  } catch let error as ModelError {
    printError("camvideo: \(error)")
    throw ExitCode(1)
  } catch let error as EngineError {
    printError("camvideo: \(error)")
    throw ExitCode(1)
  } catch let error as CAMError {
    printError("camvideo: \(error)")
    throw ExitCode(1)
  } catch let error as BatchError {
    printError("camvideo: \(error)")
    throw ExitCode(1)
  }
}

/// A JSON document in camvideo's style: snake_case keys, sorted, slashes unescaped.
func jsonString<T: Encodable>(_ value: T) throws -> String {
  let encoder = JSONEncoder()
  encoder.keyEncodingStrategy = .convertToSnakeCase
  encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
  return String(decoding: try encoder.encode(value), as: UTF8.self)
}
