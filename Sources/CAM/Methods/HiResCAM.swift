/// HiResCAM: the gradient times the activation, element-wise, summed over channels (no
/// pooling of the gradient).
///
/// Draelos & Carin, "Use HiResCAM instead of Grad-CAM for faithful explanations of
/// convolutional neural networks", arXiv:2011.08891, 2020: `L = ReLU(Σ_c G_c ⊙ A_c)`.
enum HiResCAM: CAMMethodImplementation {
  static func output(_ input: LayerInput) -> MethodOutput {
    .terms(zip(input.gradients, input.activations).map { $0 * $1 })
  }
}
