internal import Engine

/// Score-CAM: each channel, upsampled and min-max'd, masks the input; the softmax of the
/// target's scores on the masked inputs are the channel weights.
///
/// Wang et al., "Score-CAM: Score-Weighted Visual Explanations for Convolutional Neural
/// Networks", CVPR Workshops 2020, eq. 3–5, as pytorch-grad-cam codes it:
/// `M_c = s(Up(A_c))` with `Up` bilinear with aligned corners to the input size and
/// `s(m) = (m − min m) / (max m − min m + 1e-8)`; `w = softmax_c(y(X ⊙ M_c))`.
/// The masked inputs run in batches of ``CAMOptions/scoreBatch``; channels whose map is constant
/// (dead channels) give the same all-zero mask and are scored once.
enum ScoreCAM: CAMMethodImplementation {
  static func output(_ input: LayerInput) throws(CAMError) -> MethodOutput {
    .weights(ModelProbe.softmax(try scores(input, channels: Array(0..<input.channels))))
  }

  /// The target score on the input masked by each of `channels` (in that order).
  static func scores(_ input: LayerInput, channels: [Int]) throws(CAMError) -> [Float] {
    let probe = input.probe
    let shape = probe.inputShape
    guard shape.count == 4 else { throw .inputShape(got: shape) }
    let planes = shape[1]
    let height = shape[2]
    let width = shape[3]
    let pixels = height * width
    var scores = [Float](repeating: 0, count: input.channels)
    var varying: [(channel: Int, mask: [Float])] = []
    var constant: [Int] = []
    for c in channels {
      let plane = Array(input.activations[c * input.area..<(c + 1) * input.area])
      let up = Heatmap(width: input.width, height: input.height, values: plane)
        .resizedAligningCorners(width: width, height: height).values
      let lo = up.min() ?? 0
      let hi = up.max() ?? 0
      if hi == lo {
        constant.append(c)
      } else {
        varying.append((c, up.map { ($0 - lo) / (hi - lo + 1e-8) }))
      }
    }
    // All constant channels share the all-zero mask.
    let jobs: [(channels: [Int], mask: [Float])] =
      varying.map { ([$0.channel], $0.mask) }
      + (constant.isEmpty ? [] : [(constant, [Float](repeating: 0, count: pixels))])
    let batch = max(probe.batchSize, 1)
    var start = 0
    while start < jobs.count {
      let chunk = jobs[start..<min(start + batch, jobs.count)]
      var data = [Float](repeating: 0, count: chunk.count * planes * pixels)
      for (k, job) in chunk.enumerated() {
        for p in 0..<planes {
          let src = p * pixels
          let dst = (k * planes + p) * pixels
          for i in 0..<pixels { data[dst + i] = probe.input[src + i] * job.mask[i] }
        }
      }
      let batchScores = try probe.scores(
        inputs: Tensor(shape: [chunk.count, planes, height, width], data: data),
        target: input.targetClass)
      for (job, s) in zip(chunk, batchScores) {
        for c in job.channels { scores[c] = s }
      }
      start += chunk.count
    }
    return channels.map { scores[$0] }
  }
}
