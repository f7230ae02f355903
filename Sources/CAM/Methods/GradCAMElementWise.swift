/// Element-wise Grad-CAM: like HiResCAM, but each term is rectified before the channel sum.
///
/// pytorch-grad-cam's `GradCAMElementWise` (after HiResCAM, Draelos & Carin,
/// arXiv:2011.08891): `L = ReLU(Σ_c ReLU(G_c ⊙ A_c))`.
enum GradCAMElementWise: CAMMethodImplementation {
  static func output(_ input: LayerInput) -> MethodOutput {
    .terms(zip(input.gradients, input.activations).map { max($0 * $1, 0) })
  }
}
