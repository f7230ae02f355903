import Engine
import Testing

/// The engine's ``ForwardPass/outputs(replacing:with:item:)`` (added for AblationCAM) inside a
/// residual block, where the rerun also reads a tensor from before the replaced one.
@Suite("ForwardPass.outputs(replacing:) in a residual block")
struct ForwardPassReplacingTests {
  @Test("rerunning from _blocks.10's projection with its own value gives the logits again")
  func residual() throws {
    let model = try GoldenModels.lite0.get()
    let x = try #require(try GoldenCase.lite0[0].input())
    let other = try #require(try GoldenCase.lite0[1].input())
    let batch = Tensor(shape: [2, 3, 224, 224], data: other.data + x.data)
    let pass = try model.forward(batch)
    // The projection's output is added to _blocks.9's output (the skip connection).
    let layer = try model.resolveTensor("_blocks.10._bn2")
    let a = try pass.activation(layer)
    let per = a.count / 2
    let item1 = Array(a.data[per...])
    // Three copies of item 1's activation; the skip input is item 1's, repeated.
    let copies = Tensor(shape: [3] + a.shape.dropFirst(), data: item1 + item1 + item1)
    let logits = try pass.outputs(replacing: layer, with: copies, item: 1)[0]
    #expect(logits.shape == [3, 1000])
    let expected = Array(pass.logits.data[1000...])
    for r in 0..<3 {
      for k in 0..<1000 { #expect(abs(logits.data[r * 1000 + k] - expected[k]) < 1e-3) }
    }
    // Zeroing the projection leaves the skip path: different logits, still finite.
    let zeroed = try pass.outputs(
      replacing: layer, with: Tensor(zeros: [1] + a.shape.dropFirst()), item: 1)[0]
    #expect(zeroed.data.allSatisfy { $0.isFinite })
    #expect(zip(zeroed.data, expected).contains { abs($0 - $1) > 1e-2 })
    // The whole batch at once needs no item; a wrong shape is an error.
    let same = try pass.outputs(replacing: layer, with: a)[0]
    for (u, v) in zip(same.data, pass.logits.data) { #expect(abs(u - v) < 1e-3) }
    #expect(throws: EngineError.self) {
      _ = try pass.outputs(replacing: layer, with: Tensor(zeros: [3] + a.shape.dropFirst()))
    }
    #expect(throws: EngineError.self) {
      _ = try pass.outputs(replacing: layer, with: copies, item: 2)
    }
  }
}
