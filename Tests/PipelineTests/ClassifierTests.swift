import Foundation
import Testing

@testable import Pipeline

@Suite("Classifier")
struct ClassifierTests {
  @Test("softmax top-K, most probable first, ties by index")
  func topK() {
    let labels = Labels(["a", "b", "c", "d"])
    let top = Classifier.top([1, 3, 3, 0], k: 3, labels: labels)
    #expect(top.map(\.id) == [1, 2, 0])
    #expect(top.map(\.label) == ["b", "c", "a"])
    let z = 2 * exp(3.0) + exp(1.0) + 1
    #expect(abs(Double(top[0].prob) - exp(3.0) / z) < 1e-6)
    #expect(abs(Double(top[2].prob) - exp(1.0) / z) < 1e-6)
  }

  @Test("huge logits do not overflow")
  func stable() {
    let top = Classifier.top([1000, 999], k: 2, labels: .numbered(2))
    #expect(abs(top[0].prob - 0.7310586) < 1e-5)
  }
}
