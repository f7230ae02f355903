/// LayerCAM: each position's activation weighted by its own positive gradient.
///
/// Jiang et al., "LayerCAM: Exploring Hierarchical Class Activation Maps for Localization",
/// IEEE TIP 30, 2021, eq. 5–6: `L = ReLU(Σ_c ReLU(G_c) ⊙ A_c)`.
enum LayerCAM: CAMMethodImplementation {
  static func output(_ input: LayerInput) -> MethodOutput {
    .terms(zip(input.gradients, input.activations).map { max($0, 0) * $1 })
  }
}
