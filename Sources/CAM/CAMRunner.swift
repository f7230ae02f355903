public import Engine

/// Explains a classifier's decisions with one CAM method: forward, the target per batch item,
/// backward to the target layers, the method's weights or map, ReLU, per-map min-max, bilinear
/// resize to the input size, the mean over layers — pytorch-grad-cam's `BaseCAM.__call__` in
/// its order.
///
/// ```swift
/// let runner = try CAMRunner(model: model, options: CAMOptions(method: .gradcamPlusPlus))
/// let results = try runner.explain(batch, targets: [.top1, .classIndex(243)])
/// results[0].map      // 224×224 in [0, 1]
/// ```
///
/// Unlike pytorch-grad-cam, a target list must have one target per batch item (it silently
/// explains only the first item otherwise, its issues #264/#328), and EigenCAM's sign is fixed.
/// A runner is immutable and can be shared between threads.
public final class CAMRunner: Sendable {
  /// The explained model.
  public let model: Model
  /// The options it was made with.
  public let options: CAMOptions
  /// The target layers as resolved tensor names, in order.
  public let layers: [String]

  /// A runner for `model`, resolving the target layers (the model's default when
  /// `options.layers` is empty).
  ///
  /// - Throws: ``CAMError/noTargetLayer``, ``CAMError/engine(_:)`` for an unknown layer name,
  ///   ``CAMError/invalidOption(name:expected:)`` for a score batch below 1.
  public init(model: Model, options: CAMOptions = CAMOptions()) throws(CAMError) {
    guard options.scoreBatch >= 1 else {
      throw .invalidOption(name: "scoreBatch", expected: "at least 1, got \(options.scoreBatch)")
    }
    var names = options.layers
    if names.isEmpty {
      guard let layer = model.defaultTargetLayer else { throw .noTargetLayer }
      names = [layer]
    }
    var resolved: [String] = []
    for name in names {
      do { resolved.append(try model.resolveTensor(name)) } catch { throw .engine(error) }
    }
    self.model = model
    self.options = options
    self.layers = resolved
  }

  /// Explains every item of a batch.
  ///
  /// - Parameters:
  ///   - input: `[N, C, H, W]`, preprocessed as the model expects.
  ///   - targets: one target per item.
  /// - Returns: one result per item, in order.
  /// - Throws: ``CAMError/targetCount(expected:got:)``, ``CAMError/classOutOfRange(index:classes:)``,
  ///   ``CAMError/notSpatial(layer:shape:)``, ``CAMError/engine(_:)`` for a wrong input shape.
  public func explain(_ input: Tensor, targets: [CAMTarget]) throws(CAMError) -> [CAMResult] {
    guard input.rank == 4, input.shape[0] > 0 else { throw .inputShape(got: input.shape) }
    let n = input.shape[0]
    guard targets.count == n else { throw .targetCount(expected: n, got: targets.count) }
    return try explain(input) { (i, row) throws(CAMError) in try Self.classID(targets[i], row: row)
    }
  }

  /// Explains every item of a batch, the caller choosing each item's class from its class
  /// probabilities once the forward pass has computed them (a video's stable target, which
  /// depends on the frames before).
  ///
  /// - Parameters:
  ///   - input: `[N, C, H, W]`, preprocessed as the model expects.
  ///   - choose: called once per item, in order, with `softmax(logits)` of the unaugmented input;
  ///     returns the class to explain.
  /// - Returns: one result per item, in order.
  /// - Throws: as ``explain(_:targets:)``; ``CAMError/classOutOfRange(index:classes:)`` when
  ///   `choose` returns a class the model does not have.
  public func explain(_ input: Tensor, choosing choose: ([Float]) -> Int) throws(CAMError)
    -> [CAMResult]
  {
    guard input.rank == 4, input.shape[0] > 0 else { throw .inputShape(got: input.shape) }
    return try explain(input) { (_, row) throws(CAMError) in
      let c = choose(ModelProbe.softmax(row))
      guard c >= 0 && c < row.count else { throw .classOutOfRange(index: c, classes: row.count) }
      return c
    }
  }

  /// The batch explained with `pick(item, logits)` choosing each item's class.
  private func explain(_ input: Tensor, pick: (Int, [Float]) throws(CAMError) -> Int)
    throws(CAMError) -> [CAMResult]
  {
    let n = input.shape[0]
    let width = input.shape[3]
    let height = input.shape[2]
    if !options.augSmooth {
      let passes = try run(input) { logits throws(CAMError) in
        let k = logits.shape[1]
        var out: [Int] = []
        for i in 0..<n { out.append(try pick(i, Array(logits.data[i * k..<(i + 1) * k]))) }
        return out
      }
      return passes.map { p in
        result(p, logits: p.logits, raw: p.layerRaw, map: p.map, width: width, height: height)
      }
    }
    let augmentations = Augmentation.all
    let augmented = Augmentation.batch(input, augmentations)
    let identity = augmentations.firstIndex(of: Augmentation(flip: false, factor: 1)) ?? 0
    let m = augmentations.count
    let passes = try run(augmented) { logits throws(CAMError) in
      // The item's own top-1 (or given class) on the unaugmented pass, for all six.
      let k = logits.shape[1]
      var out: [Int] = []
      for i in 0..<n {
        let row = Array(logits.data[(i * m + identity) * k..<(i * m + identity + 1) * k])
        let c = try pick(i, row)
        out += [Int](repeating: c, count: m)
      }
      return out
    }
    return (0..<n).map { i in
      let own = passes[i * m..<(i + 1) * m]
      var raws: [[Heatmap]] = []
      var maps: [Heatmap] = []
      for (p, aug) in zip(own, augmentations) {
        raws.append(p.layerRaw.map { aug.flip ? $0.flippedHorizontally() : $0 })
        maps.append(aug.flip ? p.map.flippedHorizontally() : p.map)
      }
      let layerRaw = (0..<layers.count).map { l in Self.mean(raws.map { $0[l] }) }
      let first = own[own.startIndex + identity]
      return result(
        first, logits: first.logits, raw: layerRaw, map: Self.mean(maps), width: width,
        height: height)
    }
  }

  /// Explains a single-item batch for one target.
  ///
  /// - Throws: as ``explain(_:targets:)``.
  public func explain(_ input: Tensor, target: CAMTarget = .top1) throws(CAMError) -> CAMResult {
    let results = try explain(input, targets: [target])
    guard let first = results.first else { throw .inputShape(got: input.shape) }
    return first
  }

  // MARK: - One batch of passes

  /// One pass of one item: its class, score, logits, per-layer raw maps and final map.
  struct Pass {
    var classID: Int
    var score: Float
    var logits: [Float]
    var layerRaw: [Heatmap]
    /// The per-layer maps before the ReLU (what pytorch-grad-cam's `get_cam_image` returns).
    var layerCAM: [Heatmap]
    /// The per-layer channel weights, for the methods that have them.
    var layerWeights: [[Float]?]
    var map: Heatmap
  }

  /// Forward (and backward) on `batch`; `choose` picks each row's class from the logits.
  func run(_ batch: Tensor, choose: (Tensor) throws(CAMError) -> [Int]) throws(CAMError) -> [Pass] {
    let forward: ForwardPass
    do { forward = try model.forward(batch, keeping: layers) } catch { throw .engine(error) }
    let logits = forward.logits
    guard logits.rank == 2, logits.shape[0] == batch.shape[0], logits.shape[1] > 0 else {
      throw .notAClassifier(outputShape: logits.shape)
    }
    let n = batch.shape[0]
    let k = logits.shape[1]
    let classes = try choose(logits)
    let rows = (0..<n).map { Array(logits.data[$0 * k..<($0 + 1) * k]) }
    let scores = (0..<n).map {
      ModelProbe.score(rows[$0], target: classes[$0], kind: options.score)
    }
    var activations: [Tensor] = []
    var gradients: [Tensor?] = []
    do {
      if options.method.needsGradients {
        var seeds = forward.outputs.map { Tensor(zeros: $0.shape) }
        seeds[0] =
          options.score == .logit
          ? Tensor.oneHot(classes: classes, count: k)
          : Tensor.softmaxSeed(logits: logits, classes: classes)
        for g in try forward.backward(from: seeds, to: layers) {
          activations.append(g.activation)
          gradients.append(g.gradient)
        }
      } else {
        for l in layers {
          activations.append(try forward.activation(l))
          gradients.append(nil)
        }
      }
    } catch {
      throw .engine(error)
    }
    for (l, a) in zip(layers, activations) where a.rank != 4 || a.shape[0] != n {
      throw .notSpatial(layer: l, shape: a.shape)
    }
    let perItem = batch.count / n
    var passes: [Pass] = []
    for i in 0..<n {
      var raws: [Heatmap] = []
      var cams: [Heatmap] = []
      var weights: [[Float]?] = []
      for (l, a) in activations.enumerated() {
        let (c, h, w) = (a.shape[1], a.shape[2], a.shape[3])
        let size = c * h * w
        let probe = ModelProbe(
          model: model, pass: forward, item: i,
          input: Array(batch.data[i * perItem..<(i + 1) * perItem]),
          inputShape: [1] + batch.shape.dropFirst(), layer: layers[l], score: options.score,
          batchSize: options.scoreBatch)
        let input = LayerInput(
          channels: c, height: h, width: w, activations: Array(a.data[i * size..<(i + 1) * size]),
          gradients: gradients[l].map { Array($0.data[i * size..<(i + 1) * size]) }
            ?? [Float](repeating: 0, count: size),
          logits: rows[i], targetClass: classes[i], targetScore: scores[i], probe: probe)
        let (values, w0) = try camImage(input)
        let cam = Heatmap(width: w, height: h, values: values)
        weights.append(w0)
        cams.append(cam)
        raws.append(cam.rectified())
      }
      passes.append(
        Pass(
          classID: classes[i], score: scores[i], logits: rows[i], layerRaw: raws, layerCAM: cams,
          layerWeights: weights,
          map: Self.aggregate(raws, width: batch.shape[3], height: batch.shape[2])))
    }
    return passes
  }

  /// The map of one item at one layer before the ReLU: the method's output summed over channels
  /// or, for principal components and `eigenSmooth`, projected on the first component; and the
  /// channel weights when the method has them.
  func camImage(_ input: LayerInput) throws(CAMError) -> ([Float], [Float]?) {
    let output = try options.method.implementation.output(input)
    let area = input.area
    var terms: [Float]
    var principal = options.eigenSmooth
    var weights: [Float]?
    switch output {
    case .weights(let w):
      weights = w
      terms = input.activations
      for c in 0..<input.channels {
        for k in c * area..<(c + 1) * area { terms[k] *= w[c] }
      }
    case .terms(let t): terms = t
    case .principalComponent(let t):
      terms = t
      principal = true
    }
    if principal {
      return (PrincipalComponent.projection(terms, channels: input.channels, area: area), weights)
    }
    var cam = [Float](repeating: 0, count: area)
    for c in 0..<input.channels {
      for p in 0..<area { cam[p] += terms[c * area + p] }
    }
    return (cam, weights)
  }

  /// pytorch-grad-cam's per-layer scaling and `aggregate_multi_layers`: each (rectified) layer
  /// map min-max'd and resized, rectified, averaged, min-max'd.
  static func aggregate(_ raws: [Heatmap], width: Int, height: Int) -> Heatmap {
    let scaled = raws.map { $0.normalized().resized(width: width, height: height).rectified() }
    return mean(scaled).normalized()
  }

  /// The element-wise mean of same-sized maps (each resized to the first's size).
  static func mean(_ maps: [Heatmap]) -> Heatmap {
    guard let first = maps.first else { return Heatmap(width: 0, height: 0) }
    var sum = first.values
    for m in maps.dropFirst() {
      let v = m.resized(width: first.width, height: first.height).values
      for i in sum.indices { sum[i] += v[i] }
    }
    let n = Float(maps.count)
    return Heatmap(width: first.width, height: first.height, values: sum.map { $0 / n })
  }

  /// Each item's class for `targets` (top-1 by the largest logit).
  static func classes(for targets: [CAMTarget], logits: Tensor) throws(CAMError) -> [Int] {
    let k = logits.shape[1]
    var out: [Int] = []
    for (i, t) in targets.enumerated() {
      out.append(try classID(t, row: Array(logits.data[i * k..<(i + 1) * k])))
    }
    return out
  }

  /// The class a target picks from one row of logits.
  static func classID(_ target: CAMTarget, row: [Float]) throws(CAMError) -> Int {
    switch target {
    case .top1:
      var best = 0
      for (j, v) in row.enumerated() where v > row[best] { best = j }
      return best
    case .classIndex(let c):
      guard c >= 0 && c < row.count else { throw .classOutOfRange(index: c, classes: row.count) }
      return c
    }
  }

  func result(
    _ p: Pass, logits: [Float], raw: [Heatmap], map: Heatmap, width: Int, height: Int
  ) -> CAMResult {
    CAMResult(
      classID: p.classID, score: p.score, logits: logits,
      probabilities: ModelProbe.softmax(logits), raw: Self.mean(raw), layerMaps: raw, map: map)
  }
}
