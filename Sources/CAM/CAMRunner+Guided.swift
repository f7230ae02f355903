public import Engine

extension CAMRunner {
  /// Guided backpropagation: the gradient of each item's target score with respect to the
  /// input, with every rectifier (Relu, and Clip at 0 such as ReLU6) passing only positive
  /// gradients where its input was positive (Springenberg et al., "Striving for Simplicity: The
  /// All Convolutional Net", ICLR 2015 workshop).
  ///
  /// pytorch-grad-cam's `GuidedBackpropReLUModel` rewires only `nn.ReLU` modules and returns only
  /// batch item 0; this treats every rectifier and returns every item.
  ///
  /// - Parameters:
  ///   - input: `[N, C, H, W]`.
  ///   - targets: one target per item.
  ///   - guided: false for the plain input gradient.
  /// - Returns: one `H × W × C` gradient per item.
  /// - Throws: ``CAMError/targetCount(expected:got:)``, ``CAMError/classOutOfRange(index:classes:)``,
  ///   ``CAMError/engine(_:)``.
  public func inputGradients(_ input: Tensor, targets: [CAMTarget], guided: Bool = true)
    throws(CAMError) -> [InputGradient]
  {
    guard input.rank == 4, input.shape[0] > 0 else { throw .inputShape(got: input.shape) }
    let n = input.shape[0]
    guard targets.count == n else { throw .targetCount(expected: n, got: targets.count) }
    let (c, h, w) = (input.shape[1], input.shape[2], input.shape[3])
    do {
      let forward = try model.forward(input, keeping: [model.inputName])
      let logits = forward.logits
      guard logits.rank == 2, logits.shape[0] == n, logits.shape[1] > 0 else {
        throw CAMError.notAClassifier(outputShape: logits.shape)
      }
      let classes = try Self.classes(for: targets, logits: logits)
      var seeds = forward.outputs.map { Tensor(zeros: $0.shape) }
      seeds[0] =
        options.score == .logit
        ? Tensor.oneHot(classes: classes, count: logits.shape[1])
        : Tensor.softmaxSeed(logits: logits, classes: classes)
      let g = try forward.backward(
        from: seeds, to: [model.inputName], mode: guided ? .guided : .standard)
      let gradient = g.first?.gradient ?? Tensor(zeros: input.shape)
      let plane = h * w
      return (0..<n).map { i in
        var hwc = [Float](repeating: 0, count: c * plane)
        let base = i * c * plane
        for ch in 0..<c {
          for p in 0..<plane { hwc[p * c + ch] = gradient.data[base + ch * plane + p] }
        }
        return InputGradient(classID: classes[i], width: w, height: h, channels: c, values: hwc)
      }
    } catch let error as CAMError {
      throw error
    } catch let error as EngineError {
      throw .engine(error)
    } catch {
      throw .invalidOption(name: "input", expected: "\(error)")
    }
  }
}
