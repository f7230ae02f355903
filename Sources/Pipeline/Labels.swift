internal import Foundation

/// Class names, one per line (CLI `--labels`), and resolving a user's class name to an index.
public struct Labels: Sendable, Equatable {
  public var names: [String]

  public init(_ names: [String]) { self.names = names }

  /// Reads a label file: one class name per line; a trailing empty line is ignored.
  public init(contentsOf path: String) throws(PipelineError) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw .labels(path: path, reason: "cannot read it as UTF-8 text")
    }
    // Character-wise, "\r\n" is one newline.
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(
      String.init)
    if lines.last == "" { lines.removeLast() }
    guard !lines.isEmpty else { throw .labels(path: path, reason: "it is empty") }
    names = lines
  }

  /// Placeholder names (`class 17`) for a model without labels.
  public static func numbered(_ count: Int) -> Labels {
    Labels((0..<count).map { "class \($0)" })
  }

  public subscript(_ id: Int) -> String {
    names.indices.contains(id) ? names[id] : "class \(id)"
  }
}
