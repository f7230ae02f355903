/// EigenCAM: the first principal component of the activations (no gradients, no class).
///
/// Muhammad & Yeasin, "Eigen-CAM: Class Activation Map using Principal Components", IJCNN
/// 2020: with `X` the `HW × C` activations, centred per channel, and `X = U Σ Vᵀ`, the map is
/// `X v₁`. Oriented (unlike pytorch-grad-cam) so it correlates positively with the channel mean
/// of `A`; see ``PrincipalComponent``.
enum EigenCAM: CAMMethodImplementation {
  static func output(_ input: LayerInput) -> MethodOutput {
    .principalComponent(input.activations)
  }
}
