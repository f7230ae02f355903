/// Resolves a `--class` argument (`auto`, an index, or a label) to a ``CAMTarget``.
///
/// A name matches a label exactly, else case-insensitively; it must match exactly one label
/// (ImageNet has two "crane"s and two "maillot"s). An unknown name is an error listing the
/// closest labels.
public struct ClassSelector: Sendable, Equatable {
  /// The class names, by index; nil when the model has none.
  public var labels: [String]?
  /// The number of classes of the model's output, when known (bounds indices).
  public var classCount: Int?

  /// A selector over `labels` (and indices below `classCount`, else below `labels.count`).
  public init(labels: [String]?, classCount: Int? = nil) {
    self.labels = labels
    self.classCount = classCount ?? labels?.count
  }

  /// The target `text` names.
  ///
  /// - Parameter text: `auto`, a class index, or a class name.
  /// - Throws: ``CAMError/classOutOfRange(index:classes:)``, ``CAMError/unknownClass(name:closeMatches:)``,
  ///   ``CAMError/ambiguousClass(name:matches:)`` or ``CAMError/noLabels(name:)``.
  public func target(_ text: String) throws(CAMError) -> CAMTarget {
    let query = text.trimmingSpaces
    if query.lowercased() == "auto" { return .top1 }
    if let index = Int(query) {
      if index < 0 || classCount.map({ index >= $0 }) == true {
        throw .classOutOfRange(index: index, classes: classCount ?? 0)
      }
      return .classIndex(index)
    }
    guard let labels else { throw .noLabels(name: query) }
    func describe(_ i: Int) -> String { "\(i) \(labels[i])" }
    let exact = labels.indices.filter { labels[$0] == query }
    if exact.count == 1, let only = exact.first { return .classIndex(only) }
    if exact.count > 1 { throw .ambiguousClass(name: query, matches: exact.map(describe)) }
    let lowered = query.lowercased()
    let folded = labels.indices.filter { labels[$0].lowercased() == lowered }
    if folded.count == 1, let only = folded.first { return .classIndex(only) }
    if folded.count > 1 { throw .ambiguousClass(name: query, matches: folded.map(describe)) }
    throw .unknownClass(name: query, closeMatches: closeMatches(lowered, labels).map(describe))
  }

  /// Up to 8 labels containing `query` or within a small edit distance of it, closest first.
  private func closeMatches(_ query: String, _ labels: [String]) -> [Int] {
    let limit = max(2, query.count / 3)
    var scored: [(Int, Int)] = []
    for (i, label) in labels.enumerated() {
      let l = label.lowercased()
      let d = Self.editDistance(query, l)
      if l.contains(query) || (!l.isEmpty && query.contains(l)) {
        scored.append((min(d, 1), i))
      } else if d <= limit {
        scored.append((d + 1, i))
      }
    }
    return scored.sorted { $0 < $1 }.prefix(8).map(\.1)
  }

  /// Levenshtein distance between two strings (by characters).
  static func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a)
    let y = Array(b)
    if x.isEmpty { return y.count }
    var row = Array(0...y.count)
    for i in 1...x.count {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: y.count, by: 1) {
        let saved = row[j]
        row[j] = Swift.min(row[j] + 1, row[j - 1] + 1, previous + (x[i - 1] == y[j - 1] ? 0 : 1))
        previous = saved
      }
    }
    return row[y.count]
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    var s = Substring(self)
    while s.first?.isWhitespace == true { s = s.dropFirst() }
    while s.last?.isWhitespace == true { s = s.dropLast() }
    return String(s)
  }
}
