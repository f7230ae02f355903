public import Foundation
import Synchronization

/// An ONNX image model loaded for inference and Grad-CAM: forward to the logits, keeping the
/// activations, and backward from any scalar of the outputs to any tensor of the graph.
///
/// Loading imports the file (``ONNXImporter``), folds constants and shape arithmetic, infers
/// shapes from the input's (the batch dimension may be dynamic), folds BatchNormalization and
/// zero Pads into the convolutions before them, fuses Relu/Clip into the convolutions and drops
/// dead nodes. ``predict(_:)``, and ``forward(_:keeping:)`` upstream of the kept layers, also add
/// residuals in the convolutions before them (``FuseResidualAdd``) and run each inverted-residual
/// block as one step (``FuseInvertedResidual``). A `Model` is immutable and can be shared between
/// threads. ``BLAS/threads`` is the one thread knob: the engine's kernels split their work over as
/// many threads, and so do the products it hands OpenBLAS (which then runs single-threaded).
/// Activation storage is recycled through a pool (``BufferPool``) rather than returned to the
/// system.
///
/// ```swift
/// let model = try Model.load(contentsOf: url)
/// let layer = model.defaultTargetLayer ?? ""
/// let pass = try model.forward(batch, keeping: [layer])  // [N, 3, 224, 224] → logits [N, 1000]
/// let seed = Tensor.oneHot(classes: top1, count: 1000)
/// let gradients = try pass.backward(from: [seed], to: [layer])
/// ```
public final class Model: Sendable {
  /// The file it was loaded from.
  public let url: URL
  let plan: ExecutionPlan
  /// ``plan`` with residual `Add`s fused into the convolutions before them (``FuseResidualAdd``):
  /// what ``predict(_:)`` runs (it returns only the outputs, so no intermediate tensor is lost).
  let predictPlan: ExecutionPlan
  let graph: CompiledGraph

  /// The name of the graph input.
  public var inputName: String { graph.input.name }

  /// The input's shape; the first dimension is ``Dim/batch`` when the batch is dynamic.
  public var inputShape: [Dim] { graph.input.shape }

  /// The names of the graph outputs (the logits first for a classifier).
  public var outputNames: [String] { graph.outputs }

  /// The shapes of the outputs.
  public var outputShapes: [[Dim]] { plan.outputs.map { plan.shapes[$0] } }

  /// `metadata_props` of the file.
  public var metadata: [String: String] { graph.metadata }

  /// Nodes in the file, and operators left to run after folding.
  public var nodeCounts: (file: Int, compiled: Int) { (graph.fileNodeCount, plan.steps.count) }

  /// The Grad-CAM target layer a pytorch-grad-cam user would pick: `camvideo.default_layer`
  /// from the metadata when present, else the last 4-D activation with spatial size > 1 before
  /// the final global pooling.
  public let defaultTargetLayer: String?

  /// The plans of ``forward(_:keeping:)``, by the resolved names kept.
  private let targetedPlans = Mutex<[Set<String>: TargetedPlan]>([:])

  private init(url: URL, graph: CompiledGraph) {
    self.url = url
    self.graph = graph
    self.plan = ExecutionPlan(graph)
    let fused = TargetedPlan.fused(graph, protecting: [])
    self.predictPlan = fused.steps.count == graph.steps.count ? plan : ExecutionPlan(fused)
    self.defaultTargetLayer = Model.findDefaultLayer(graph: graph, plan: plan)
  }

  /// Loads and compiles an ONNX file.
  ///
  /// - Throws: ``ModelError`` naming the file (and the node, for unsupported or invalid nodes).
  public static func load(contentsOf url: URL) throws(ModelError) -> Model {
    let imported = try ONNXImporter.load(contentsOf: url)
    return try Model(url: url, graph: compile(imported))
  }

  /// Loads and compiles serialized ONNX bytes; `url` names them in errors and locates external
  /// data files.
  public static func load(data: Data, url: URL) throws(ModelError) -> Model {
    let imported = try ONNXImporter.parse(data, url: url)
    return try Model(url: url, graph: compile(imported))
  }

  static func compile(_ graph: Graph) throws(ModelError) -> CompiledGraph {
    var g = try GraphCompiler.compile(graph)
    MergePadIntoConv.run(&g)
    FoldBatchNorm.run(&g)
    FuseActivation.run(&g)
    EliminateDeadSteps.run(&g)
    return g
  }

  /// The batch size of `batch`, or an error when it does not have the input's shape.
  func checkInput(_ batch: Tensor) throws(EngineError) -> Int {
    let expected = inputShape
    let n = batch.shape.first ?? 0
    guard batch.rank == expected.count, n > 0, expected.resolved(batch: n) == batch.shape,
      expected[0].isSymbolic || expected[0].value == n
    else {
      throw .inputShape(expected: expected.shapeDescription, got: batch.shape)
    }
    return n
  }

  /// Runs the model and keeps every activation, for ``ForwardPass/backward(from:to:mode:)``.
  ///
  /// - Parameter batch: `[N, …]` with the input's shape for batch size `N`.
  /// - Throws: ``EngineError/inputShape(expected:got:)``.
  public func forward(_ batch: Tensor) throws(EngineError) -> ForwardPass {
    _ = try checkInput(batch)
    return ForwardPass(
      model: self, plan: plan, differentiable: nil,
      store: ActivationStore(plan.run(batch, keep: .all), constants: plan.constants))
  }

  /// Runs the model keeping only what backward to `layers` needs.
  ///
  /// It keeps the layers, the tensors computed from them and the other inputs of the operators
  /// that compute those. The layers before them run fused and release their values early, as in
  /// ``predict(_:)``.
  ///
  /// What Grad-CAM and its family need: forward and backward to the last convolution cost little
  /// more than ``predict(_:)``. ``ForwardPass/activation(_:)``, ``ForwardPass/backward(from:to:mode:)``
  /// and ``ForwardPass/outputs(replacing:with:item:)`` accept the layers and the tensors after
  /// them, and throw ``EngineError/activationsNotKept(name:)`` for the others.
  ///
  /// - Parameters:
  ///   - batch: `[N, …]` with the input's shape for batch size `N`.
  ///   - layers: any names ``resolveTensor(_:)`` accepts.
  /// - Throws: ``EngineError/inputShape(expected:got:)``,
  ///   ``EngineError/unknownTensor(name:candidates:)`` or ``EngineError/foldedTensor(name:into:)``.
  public func forward(_ batch: Tensor, keeping layers: [String]) throws(EngineError) -> ForwardPass
  {
    _ = try checkInput(batch)
    var names = Set<String>()
    for l in layers { names.insert(try resolveTensor(l)) }
    let targeted = targetedPlans.withLock { plans in
      if let p = plans[names] { return p }
      let p = TargetedPlan(graph, keeping: names)
      plans[names] = p
      return p
    }
    let run = targeted.plan
    return ForwardPass(
      model: self, plan: run, differentiable: targeted.differentiable,
      store: ActivationStore(
        run.run(batch, keep: .tensors(targeted.kept)), constants: run.constants))
  }

  /// Runs the model and returns only the outputs, releasing activations as soon as they are
  /// used (less memory; no backward).
  public func predict(_ batch: Tensor) throws(EngineError) -> [Tensor] {
    _ = try checkInput(batch)
    let values = predictPlan.run(batch, keep: .outputs)
    return predictPlan.outputs.map { values[$0] ?? Tensor(zeros: []) }
  }
}

/// The result of ``Model/forward(_:)``: the outputs and every activation.
public struct ForwardPass: Sendable {
  let model: Model
  /// The plan that ran: ``Model/plan``, or a ``TargetedPlan``'s.
  let plan: ExecutionPlan
  /// By tensor id, the tensors backward can start from (nil: all).
  let differentiable: [Bool]?
  let store: ActivationStore
  var values: [Tensor?] { store.values }

  /// The graph outputs, in ``Model/outputNames`` order.
  public var outputs: [Tensor] { plan.outputs.map { values[$0] ?? Tensor(zeros: []) } }

  /// The first output (the logits of a classifier).
  public var logits: Tensor { outputs.first ?? Tensor(zeros: []) }

  /// The value of a tensor (any name ``Model/resolveTensor(_:)`` accepts).
  public func activation(_ name: String) throws(EngineError) -> Tensor {
    let resolved = try model.resolveTensor(name)
    guard let id = plan.index[resolved], let t = values[id] else {
      throw .activationsNotKept(name: name)
    }
    return t
  }

  /// The id of a tensor backward and reruns can start from.
  func differentiableID(_ name: String) throws(EngineError) -> (id: Int, name: String) {
    let resolved = try model.resolveTensor(name)
    guard let id = plan.index[resolved], values[id] != nil, differentiable?[id] ?? true else {
      throw .activationsNotKept(name: resolved)
    }
    return (id, resolved)
  }

  /// Backward from a scalar of the outputs to the requested tensors.
  ///
  /// The scalar is `Σ_outputs ⟨seed, output⟩`; with a one-hot seed per batch item
  /// (``Tensor/oneHot(classes:count:)``) it is each item's class logit, with
  /// ``Tensor/softmaxSeed(logits:classes:)`` its probability. Only the operators on a path from a
  /// requested tensor to an output run.
  ///
  /// - Parameters:
  ///   - seeds: one tensor per output, of the output's shape.
  ///   - targets: tensor, node or module names, metadata aliases, or unique prefixes.
  ///   - mode: ``BackwardMode/guided`` for guided backpropagation.
  /// - Returns: for each target, in order, its activation and gradient.
  public func backward(
    from seeds: [Tensor], to targets: [String], mode: BackwardMode = .standard
  ) throws(EngineError) -> [LayerGradient] {
    guard seeds.count == plan.outputs.count else {
      throw .invalidSeed(reason: "\(seeds.count) seeds for \(plan.outputs.count) outputs")
    }
    var seedByID: [Int: Tensor] = [:]
    for (o, s) in zip(plan.outputs, seeds) {
      guard let y = values[o], y.shape == s.shape else {
        throw .invalidSeed(
          reason:
            "seed of shape \(s.shape) for output '\(plan.names[o])' of shape \(values[o]?.shape ?? [])"
        )
      }
      seedByID[o] = s
    }
    var ids: [Int] = []
    var names: [String] = []
    for t in targets {
      let (id, name) = try differentiableID(t)
      ids.append(id)
      names.append(name)
    }
    let grads = plan.backward(
      values: values, seeds: seedByID, targets: Set(ids), guided: mode == .guided)
    return zip(ids, names).map { id, name in
      let a = values[id] ?? Tensor(zeros: [])
      return LayerGradient(name: name, activation: a, gradient: grads[id] ?? Tensor(zeros: a.shape))
    }
  }
}

/// The activations of one forward pass; their storage goes back to the ``BufferPool`` when the
/// last copy of the pass is gone.
final class ActivationStore: Sendable {
  let values: [Tensor?]
  let constants: Set<Int>

  init(_ values: [Tensor?], constants: [Int: Tensor]) {
    self.values = values
    self.constants = Set(constants.keys)
  }

  deinit {
    for (i, v) in values.enumerated() where !constants.contains(i) {
      if let v { BufferPool.shared.give(v.data) }
    }
  }
}

/// How backward treats rectifiers.
public enum BackwardMode: Sendable, Equatable {
  /// The true gradient.
  case standard
  /// Guided backpropagation (Springenberg et al., "Striving for Simplicity", 2015): every Relu
  /// and every Clip with min 0 (ReLU6) passes only positive gradients where its input was
  /// positive.
  case guided
}

/// A tensor's activation and the gradient of the backward scalar with respect to it.
public struct LayerGradient: Sendable {
  /// The resolved tensor name.
  public var name: String
  public var activation: Tensor
  public var gradient: Tensor
}
