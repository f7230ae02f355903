import Testing

@testable import Engine

@Suite("Clip")
struct ClipTests {
  @Test("ReLU6 forward; backward zero outside (min, max), as PyTorch's hardtanh")
  func relu6() {
    let clip = Clip(lower: 0, upper: 6)
    let x = Tensor(shape: [5], data: [-1, 0, 3, 6, 7])
    #expect(clip.forward(x).data == [0, 0, 3, 6, 6])
    let dy = Tensor(shape: [5], repeating: 1)
    #expect(clip.gradient(x: x, y: clip.forward(x), dy: dy, guided: false).data == [0, 0, 1, 0, 0])
    expectGradients(clip, [GradientCheck.avoiding([0, 6], [3, 4, 5], range: -2...8)])
  }

  @Test("guided applies to Clip(min 0) only")
  func guided() {
    let x = Tensor(shape: [3], data: [1, 2, -3])
    let dy = Tensor(shape: [3], data: [-1, 1, 1])
    let relu6 = Clip(lower: 0, upper: 6)
    #expect(relu6.gradient(x: x, y: relu6.forward(x), dy: dy, guided: true).data == [0, 1, 0])
    let hardtanh = Clip(lower: -1, upper: 1)
    let z = Tensor(shape: [3], data: [0.5, -0.5, 2])
    #expect(
      hardtanh.gradient(x: z, y: hardtanh.forward(z), dy: dy, guided: true).data == [-1, 1, 0])
  }

  @Test("min and max come from constant inputs or default to ±∞")
  func bounds() throws {
    let model = try ModelBuilder.load(
      ModelBuilder.singleNode(
        "Clip", inputShape: [nil, 4],
        extraInputs: [ONNXWriter.tensor(name: "max", shape: [], floats: [0.5])],
        omitted: [1]))
    let y = try model.predict(Tensor(shape: [1, 4], data: [-9, 0.25, 0.5, 9]))[0]
    #expect(y.data == [-9, 0.25, 0.5, 0.5])
  }
}
