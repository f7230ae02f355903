/// EigenGradCAM: the first principal component of the gradient-weighted activations.
///
/// pytorch-grad-cam's class-discriminative variant of Eigen-CAM (Muhammad & Yeasin, IJCNN 2020):
/// the map is `X v₁` for `X` the `HW × C` matrix of `G ⊙ A`, centred per channel. Oriented so
/// it correlates positively with the channel mean of `G ⊙ A`; see ``PrincipalComponent``.
enum EigenGradCAM: CAMMethodImplementation {
  static func output(_ input: LayerInput) -> MethodOutput {
    .principalComponent(zip(input.gradients, input.activations).map { $0 * $1 })
  }
}
