/// ONNX `Div`: `y = a / b` elementwise with multidirectional broadcasting.
///
/// Shapes: `a`, `b` broadcast to `y`. Attributes: none. (Integer `Div` in shape arithmetic is
/// folded at load time, truncating toward zero.)
/// Backward: `da = Σ dy / b`, `db = −Σ dy · a / b² = −Σ (dy / b) · y`, each summed over its
/// broadcast dimensions.
struct Div: BroadcastingBinary {
  typealias Function = DivFunction

  func gradients(a: Tensor, b: Tensor, y: Tensor, dy: Tensor, wanted: [Bool]) -> (Tensor?, Tensor?)
  {
    let t = Elementwise.binary(DivFunction.self, dy, b)
    return (t, wanted[1] ? Elementwise.zip(t, y) { -$0 * $1 } : nil)
  }
}
