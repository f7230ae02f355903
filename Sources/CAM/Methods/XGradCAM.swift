/// XGradCAM: gradients averaged with the normalised activations as weights.
///
/// Fu et al., "Axiom-based Grad-CAM: Towards Accurate Visualization and Explanation of CNNs",
/// BMVC 2020, eq. 11: `w_c = Σ_ij (A_cij / (Σ_ab A_cab + 1e-7)) G_cij`.
enum XGradCAM: CAMMethodImplementation {
  static func output(_ input: LayerInput) -> MethodOutput {
    let area = input.area
    let sums = LayerInput.channelSums(input.activations, channels: input.channels, area: area)
    let products = zip(input.gradients, input.activations).map { $0 * $1 }
    let numerators = LayerInput.channelSums(products, channels: input.channels, area: area)
    return .weights(zip(numerators, sums).map { $0 / ($1 + 1e-7) })
  }
}
