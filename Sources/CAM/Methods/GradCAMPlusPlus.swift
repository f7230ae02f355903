/// Grad-CAM++: positive gradients weighted by the closed-form coefficients α.
///
/// Chattopadhyay et al., "Grad-CAM++: Improved Visual Explanations for Deep Convolutional
/// Networks", WACV 2018, eq. 19 with exponential-output derivatives, as pytorch-grad-cam codes it:
/// `α_cij = G² / (2G² + (Σ_ab A_cab) G³ + 1e-6)` (0 where `G = 0`),
/// `w_c = Σ_ij ReLU(G_cij) α_cij`.
enum GradCAMPlusPlus: CAMMethodImplementation {
  static func output(_ input: LayerInput) -> MethodOutput {
    let area = input.area
    let sums = LayerInput.channelSums(input.activations, channels: input.channels, area: area)
    var weights = [Float](repeating: 0, count: input.channels)
    for c in 0..<input.channels {
      var w: Float = 0
      for k in c * area..<(c + 1) * area {
        let g = input.gradients[k]
        guard g != 0 else { continue }
        let g2 = g * g
        let alpha = g2 / (2 * g2 + sums[c] * g2 * g + 1e-6)
        w += max(g, 0) * alpha
      }
      weights[c] = w
    }
    return .weights(weights)
  }
}
