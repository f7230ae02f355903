/// Grad-CAM: channel weights are the spatially averaged gradients.
///
/// Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
/// Localization", ICCV 2017, eq. 1–2:
/// `w_c = (1/HW) Σ_ij ∂y/∂A_cij`, `L = ReLU(Σ_c w_c A_c)`.
enum GradCAM: CAMMethodImplementation {
  static func output(_ input: LayerInput) -> MethodOutput {
    let n = Float(input.area)
    return .weights(
      LayerInput.channelSums(input.gradients, channels: input.channels, area: input.area).map {
        $0 / n
      })
  }
}
