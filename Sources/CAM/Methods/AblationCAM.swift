internal import Engine

/// Ablation-CAM: a channel's weight is the relative drop of the target score when it is
/// ablated.
///
/// Desai & Ramaswamy, "Ablation-CAM: Visual Explanations for Deep Convolutional Network via
/// Gradient-free Localization", WACV 2020, eq. 3: `w_c = (y − y_c) / y`, `y_c` the score with
/// channel `c` of the layer ablated. As pytorch-grad-cam's `AblationLayer`: the channel is set
/// to 0 when the item's activation has minimum 0, else to `min A − 1e7`. The ablated
/// activations run in batches of ``CAMOptions/scoreBatch`` through the layers after the target
/// only (the engine's ``ForwardPass/outputs(replacing:with:item:)``); a channel already equal to
/// the ablation value everywhere changes nothing and gets weight 0 without a run.
enum AblationCAM: CAMMethodImplementation {
  static func output(_ input: LayerInput) throws(CAMError) -> MethodOutput {
    let a = input.activations
    let area = input.area
    let lowest = a.min() ?? 0
    let value: Float = lowest == 0 ? 0 : lowest - 1e7
    let y = input.targetScore
    var weights = [Float](repeating: 0, count: input.channels)
    let todo = (0..<input.channels).filter { c in
      a[c * area..<(c + 1) * area].contains { $0 != value }
    }
    let batch = max(input.probe.batchSize, 1)
    var start = 0
    while start < todo.count {
      let chunk = todo[start..<min(start + batch, todo.count)]
      var data: [Float] = []
      data.reserveCapacity(chunk.count * a.count)
      for c in chunk {
        let offset = data.count
        data.append(contentsOf: a)
        for k in offset + c * area..<offset + (c + 1) * area { data[k] = value }
      }
      let scores = try input.probe.scores(
        layerValues: Tensor(
          shape: [chunk.count, input.channels, input.height, input.width], data: data),
        target: input.targetClass)
      for (c, s) in zip(chunk, scores) { weights[c] = (y - s) / y }
      start += chunk.count
    }
    return .weights(weights)
  }
}
