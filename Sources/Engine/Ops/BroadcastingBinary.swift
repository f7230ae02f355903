/// What `Add`, `Sub`, `Mul` and `Div` share: two runtime inputs (constants are fed as inputs)
/// with multidirectional broadcasting, `y = F(a, b)`, and a backward that reduces each input's
/// gradient back over its broadcast dimensions.
protocol BroadcastingBinary: Operator {
  associatedtype Function: BinaryFunction
  init()
  /// Gradients with respect to `a` and `b` at the output shape (before reduction).
  func gradients(a: Tensor, b: Tensor, y: Tensor, dy: Tensor, wanted: [Bool]) -> (Tensor?, Tensor?)
}

extension BroadcastingBinary {
  static func make(_ node: inout NodeContext) throws(NodeError) -> BuiltOperator {
    try node.requireInputs(2...2)
    for i in 0..<2 where node.constants[i] != nil && node.constants[i]?.floats == nil {
      throw .unsupported("input \(i) is an integer tensor that depends on the batch size")
    }
    return BuiltOperator(op: Self(), runtimeInputs: [0, 1])
  }

  func outputShapes(_ inputs: [[Dim]]) throws(NodeError) -> [[Dim]] {
    guard inputs.count == 2 else { throw .invalid("expected 2 inputs") }
    guard let s = Broadcast.shape(inputs[0], inputs[1]) else {
      throw .invalid(
        "shapes \(inputs[0].shapeDescription) and \(inputs[1].shapeDescription) do not broadcast")
    }
    return [s]
  }

  func forward(_ inputs: [Tensor]) -> [Tensor] {
    [Elementwise.binary(Function.self, inputs[0], inputs[1])]
  }

  func backward(_ step: BackwardStep) -> [Tensor?] {
    let a = step.inputs[0]
    let b = step.inputs[1]
    let y = step.outputs[0]
    let dy = step.outputGradients[0] ?? Tensor(zeros: y.shape)
    let (da, db) = gradients(a: a, b: b, y: y, dy: dy, wanted: step.wanted)
    return [
      step.wanted[0] ? da.map { Elementwise.reduceSum($0, to: a.shape) } : nil,
      step.wanted[1] ? db.map { Elementwise.reduceSum($0, to: b.shape) } : nil,
    ]
  }
}

enum AddFunction: BinaryFunction {
  static func apply(_ a: Float, _ b: Float) -> Float { a + b }
}

enum SubFunction: BinaryFunction {
  static func apply(_ a: Float, _ b: Float) -> Float { a - b }
}

enum MulFunction: BinaryFunction {
  static func apply(_ a: Float, _ b: Float) -> Float { a * b }
}

enum DivFunction: BinaryFunction {
  static func apply(_ a: Float, _ b: Float) -> Float { a / b }
}
