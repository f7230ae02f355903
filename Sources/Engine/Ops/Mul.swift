/// ONNX `Mul`: `y = a · b` elementwise with multidirectional broadcasting (squeeze-excite
/// gates multiply `[N,C,H,W]` by `[N,C,1,1]`).
///
/// Shapes: `a`, `b` broadcast to `y`. Attributes: none.
/// Backward: `da = Σ dy · b`, `db = Σ dy · a`, each summed over its broadcast dimensions.
struct Mul: BroadcastingBinary {
  typealias Function = MulFunction

  func gradients(a: Tensor, b: Tensor, y: Tensor, dy: Tensor, wanted: [Bool]) -> (Tensor?, Tensor?)
  {
    (
      wanted[0] ? Elementwise.binary(MulFunction.self, dy, b) : nil,
      wanted[1] ? Elementwise.binary(MulFunction.self, dy, a) : nil
    )
  }
}
