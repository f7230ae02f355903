import Testing

@testable import Engine

@Suite("Layout")
struct LayoutTests {
  @Test("ONNX slice clamping for positive and negative steps")
  func sliceAxis() {
    #expect(
      Layout.sliceAxis(start: 0, end: Int.max, step: 1, dim: 5)
        == .init(start: 0, step: 1, count: 5))
    #expect(
      Layout.sliceAxis(start: -1, end: -Int.max, step: -1, dim: 5)
        == .init(start: 4, step: -1, count: 5))
    #expect(
      Layout.sliceAxis(start: 1, end: 4, step: 2, dim: 5) == .init(start: 1, step: 2, count: 2))
    #expect(Layout.sliceAxis(start: 4, end: 1, step: 1, dim: 5).count == 0)
  }

  @Test("broadcast shapes and the adjoint of broadcasting")
  func broadcasting() {
    #expect(Broadcast.shape([2, 1, 3], [4, 1]) == [2, 4, 3])
    #expect(Broadcast.shape([2, 3], [4]) == nil)
    let t = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])
    #expect(Elementwise.reduceSum(t, to: [3]).data == [5, 7, 9])
    #expect(Elementwise.reduceSum(t, to: [2, 1]).data == [6, 15])
    #expect(Elementwise.reduceSum(t, to: []).data == [21])
    #expect(
      Elementwise.broadcast(Tensor(shape: [2, 1], data: [1, 2]), to: [2, 3]).data == [
        1, 1, 1, 2, 2, 2,
      ])
  }

  @Test("transpose keeps trailing blocks; concat and split are inverses")
  func dataMovement() {
    let x = Array(0..<24)
    let t = Layout.transpose(x, shape: [2, 3, 4], perm: [1, 0, 2])
    #expect(t[0..<8] == [0, 1, 2, 3, 12, 13, 14, 15])
    #expect(Layout.transpose(t, shape: [3, 2, 4], perm: Layout.inverse([1, 0, 2])) == x)
    let parts = Layout.split(x, shape: [2, 6, 2], axis: 1, sizes: [1, 5])
    #expect(Layout.concat(parts, shapes: [[2, 1, 2], [2, 5, 2]], axis: 1) == x)
    #expect(
      Layout.padSources(dim: 3, before: 2, after: 2, mode: .reflect) == [2, 1, 0, 1, 2, 1, 0])
  }
}
