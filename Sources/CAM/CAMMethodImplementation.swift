/// One CAM method: from a layer's activations, gradients and logits to weights, terms or a
/// principal component (pytorch-grad-cam's `get_cam_weights` / `get_cam_image`).
protocol CAMMethodImplementation {
  /// The method's contribution for one batch item at one layer.
  ///
  /// - Throws: ``CAMError`` from the extra model runs of the perturbation methods.
  static func output(_ input: LayerInput) throws(CAMError) -> MethodOutput
}
