/// ONNX `Add`: `y = a + b` with multidirectional broadcasting.
///
/// Shapes: `a`, `b` broadcast to `y`. Attributes: none.
/// Backward: `da = Σ dy`, `db = Σ dy`, each summed over its broadcast dimensions.
struct Add: BroadcastingBinary {
  typealias Function = AddFunction

  func gradients(a: Tensor, b: Tensor, y: Tensor, dy: Tensor, wanted: [Bool]) -> (Tensor?, Tensor?)
  {
    (dy, dy)
  }
}
