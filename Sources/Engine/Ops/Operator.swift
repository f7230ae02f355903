/// One compiled ONNX operator: an immutable value that holds its weights and attributes, runs
/// forward, and gives the vector–Jacobian product with respect to its runtime inputs (never its
/// weights: camvideo does not train).
///
/// Shapes are checked when the model loads (``outputShapes(_:)``), so ``forward(_:)`` and
/// ``backward(_:)`` only see inputs of the checked shapes with the batch size filled in.
protocol Operator: Sendable {
  /// Output shapes for runtime inputs of these shapes; throws when they do not fit.
  func outputShapes(_ inputs: [[Dim]]) throws(NodeError) -> [[Dim]]

  /// The outputs for these inputs.
  func forward(_ inputs: [Tensor]) -> [Tensor]

  /// The gradients of a scalar with respect to the inputs flagged in `step.wanted`, given its
  /// gradients with respect to the outputs (`nil` entries in `step.outputGradients` are zero,
  /// `nil` results are "not wanted").
  func backward(_ step: BackwardStep) -> [Tensor?]
}

/// What one operator's backward sees.
struct BackwardStep {
  var inputs: [Tensor]
  var outputs: [Tensor]
  var outputGradients: [Tensor?]
  /// Which inputs need a gradient.
  var wanted: [Bool]
  /// Guided backpropagation (Springenberg and others, 2015).
  ///
  /// Rectifiers pass only positive gradients where their input was positive.
  var guided: Bool
}

/// An operator with one input and one output.
protocol UnaryOperator: Operator {
  func outputShape(_ input: [Dim]) throws(NodeError) -> [Dim]
  func forward(_ x: Tensor) -> Tensor
  /// dx for `y = f(x)` and the output gradient `dy`.
  func gradient(x: Tensor, y: Tensor, dy: Tensor, guided: Bool) -> Tensor
}

extension UnaryOperator {
  func outputShapes(_ inputs: [[Dim]]) throws(NodeError) -> [[Dim]] {
    guard inputs.count == 1 else { throw .invalid("expected 1 runtime input, got \(inputs.count)") }
    return [try outputShape(inputs[0])]
  }

  func forward(_ inputs: [Tensor]) -> [Tensor] { [forward(inputs[0])] }

  func backward(_ step: BackwardStep) -> [Tensor?] {
    guard step.wanted[0] else { return [nil] }
    let dy = step.outputGradients[0] ?? Tensor(zeros: step.outputs[0].shape)
    return [gradient(x: step.inputs[0], y: step.outputs[0], dy: dy, guided: step.guided)]
  }
}

/// An operator built from a node, with the indices of the node inputs it reads at run time
/// (the others — weights, shapes, axes — were absorbed into the operator).
struct BuiltOperator {
  var op: any Operator
  var runtimeInputs: [Int]
}
