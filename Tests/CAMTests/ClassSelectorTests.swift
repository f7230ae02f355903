import Testing

@testable import CAM

@Suite("ClassSelector")
struct ClassSelectorTests {
  static let labels = [
    "tench", "tabby", "tiger cat", "Egyptian cat", "crane", "crane", "Maillot", "maillot",
  ]
  let selector = ClassSelector(labels: labels)

  @Test("auto and indices")
  func autoAndIndex() throws {
    #expect(try selector.target("auto") == .top1)
    #expect(try selector.target("AUTO") == .top1)
    #expect(try selector.target("3") == .classIndex(3))
    #expect(throws: CAMError.classOutOfRange(index: 8, classes: 8)) { try selector.target("8") }
    #expect(throws: CAMError.classOutOfRange(index: -1, classes: 8)) { try selector.target("-1") }
  }

  @Test("an exact name, then a unique case-insensitive one")
  func names() throws {
    #expect(try selector.target("tabby") == .classIndex(1))
    #expect(try selector.target("egyptian CAT") == .classIndex(3))
    #expect(try selector.target(" tiger cat ") == .classIndex(2))
    // Exact wins over the case-insensitive duplicate.
    #expect(try selector.target("Maillot") == .classIndex(6))
  }

  @Test("ambiguous names list every match")
  func ambiguous() {
    #expect(throws: CAMError.ambiguousClass(name: "crane", matches: ["4 crane", "5 crane"])) {
      try selector.target("crane")
    }
    #expect(throws: CAMError.ambiguousClass(name: "MAILLOT", matches: ["6 Maillot", "7 maillot"])) {
      try selector.target("MAILLOT")
    }
  }

  @Test("an unknown name lists close matches")
  func unknown() throws {
    do {
      _ = try selector.target("tabbby")
      Issue.record("expected an error")
    } catch {
      guard case .unknownClass(let name, let close) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(name == "tabbby")
      #expect(close.first == "1 tabby")
      #expect(error.description.contains("1 tabby"))
    }
    do {
      _ = try selector.target("cat")
      Issue.record("expected an error")
    } catch {
      #expect(error == .unknownClass(name: "cat", closeMatches: ["2 tiger cat", "3 Egyptian cat"]))
    }
    #expect(throws: CAMError.unknownClass(name: "zzzzzzzz", closeMatches: [])) {
      try selector.target("zzzzzzzz")
    }
  }

  @Test("a name without labels is an error; an index is bounded by the class count")
  func noLabels() throws {
    let bare = ClassSelector(labels: nil, classCount: 1000)
    #expect(throws: CAMError.noLabels(name: "tabby")) { try bare.target("tabby") }
    #expect(try bare.target("999") == .classIndex(999))
    #expect(throws: CAMError.classOutOfRange(index: 1000, classes: 1000)) {
      try bare.target("1000")
    }
  }

  @Test("edit distance")
  func editDistance() {
    #expect(ClassSelector.editDistance("kitten", "sitting") == 3)
    #expect(ClassSelector.editDistance("", "abc") == 3)
    #expect(ClassSelector.editDistance("tabby", "tabby") == 0)
  }
}
