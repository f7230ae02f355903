/// What a method supplies; ``CAMRunner`` turns it into a map.
enum MethodOutput {
  /// Channel weights `w`: the map is `Σ_c w_c A_c` (pytorch-grad-cam's `get_cam_weights`).
  case weights([Float])
  /// Element-wise terms `T`, `C × H × W`: the map is `Σ_c T_c` (its `get_cam_image`).
  case terms([Float])
  /// Terms whose first principal component is the map (EigenCAM, EigenGradCAM).
  case principalComponent([Float])
}
