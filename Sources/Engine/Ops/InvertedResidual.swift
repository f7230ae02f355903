internal import CKernels

/// An inverted-residual block fused into one operator (``FuseInvertedResidual``, logits-only
/// plan): an optional 1×1 expand `Conv`, a depthwise `Conv` and a 1×1 project `Conv` (with its
/// fused residual `Add`, if any), each with its bias and clamp.
///
/// The CKernels `ck_mbconv` runs the three image by image on one image's scratch, so for a batch
/// the intermediates are read back while still cached instead of the whole batch's tensors
/// making a round trip through memory; with one image and two threads, each thread runs a band
/// of output rows (no barrier between the three stages). Inputs: the block input, and the residual when the project
/// adds one. Backward is not supported: the plan ``ForwardPass`` runs keeps the three
/// convolutions (their outputs are Grad-CAM layers).
struct InvertedResidual: Operator {
  let expand: Conv?
  let depthwise: Conv
  let project: Conv
  /// Bytes of scratch a strip of output rows may use (``strip(rows:expanded:h:w:outWidth:kernel:stride:bytes:)``).
  var stripBytes = InvertedResidual.defaultStripBytes

  func outputShapes(_ inputs: [[Dim]]) throws(NodeError) -> [[Dim]] {
    guard inputs.count == (project.addsResidual ? 2 : 1) else {
      throw .invalid("expected \(project.addsResidual ? 2 : 1) runtime inputs, got \(inputs.count)")
    }
    var shape = inputs[0]
    if let expand { shape = try expand.outputShapes([shape])[0] }
    shape = try depthwise.outputShapes([shape])[0]
    return try project.outputShapes(project.addsResidual ? [shape, inputs[1]] : [shape])
  }

  func forward(_ inputs: [Tensor]) -> [Tensor] {
    let x = inputs[0]
    let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let expanded = depthwise.outChannels
    let g = depthwise.geometry([n, expanded, h, w])
    let (oh, ow, cout) = (g.outHeight, g.outWidth, project.outChannels)
    if n < Parallel.threads && oh / Self.rowsPerThread < Parallel.threads {
      // Too few images and rows to share: the three convolutions, each split over the threads.
      return unfused(inputs)
    }
    // Whole images per thread when there are enough, else bands of rows (each its own scratch).
    let byImages = n >= Parallel.threads
    let args = arguments(cin: cin, h: h, w: w)
    let residual = project.addsResidual ? inputs[1] : nil
    let y = Tensor(shape: [n, cout, oh, ow]) { out in
      guard let yp = out.baseAddress else { return }
      x.data.withUnsafeBufferPointer { xb in
        (residual?.data ?? []).withUnsafeBufferPointer { rb in
          guard let xp = xb.baseAddress else { return }
          withPointers(xp, residual: residual == nil ? nil : rb.baseAddress) { pointers in
            nonisolated(unsafe) let (p, y) = (pointers, yp)
            let ranges = byImages ? n : oh
            Parallel.forEachRange(ranges, minimum: byImages ? 1 : Self.rowsPerThread) { r in
              let images = byImages ? r : 0..<n
              let rows = byImages ? 0..<oh : r
              run(args, p, images: images, rows: rows, into: y)
            }
          }
        }
      }
    }
    return [y]
  }

  /// The fewest output rows a thread runs when one image is split by rows.
  static let rowsPerThread = 8

  /// Expand, depthwise and project one after the other, each on the whole batch.
  private func unfused(_ inputs: [Tensor]) -> [Tensor] {
    var t = inputs[0]
    if let expand { t = expand.forward([t])[0] }
    let d = depthwise.forward([t])[0]
    if expand != nil { BufferPool.shared.give(t.data) }
    let y = project.forward(project.addsResidual ? [d, inputs[1]] : [d])
    BufferPool.shared.give(d.data)
    return y
  }

  /// The sizes and clamps `ck_mbconv` needs.
  private struct Arguments {
    var cin, h, w, expanded: Int
    var g: ConvGeometry
    var cout: Int
    var expandLower, expandUpper, depthwiseLower, depthwiseUpper, projectLower, projectUpper: Float
  }

  /// The arguments for inputs of `cin × h × w`.
  private func arguments(cin: Int, h: Int, w: Int) -> Arguments {
    let expanded = depthwise.outChannels
    return Arguments(
      cin: cin, h: h, w: w, expanded: expanded, g: depthwise.geometry([1, expanded, h, w]),
      cout: project.outChannels,
      expandLower: expand?.activation?.lower ?? -.infinity,
      expandUpper: expand?.activation?.upper ?? .infinity,
      depthwiseLower: depthwise.activation?.lower ?? -.infinity,
      depthwiseUpper: depthwise.activation?.upper ?? .infinity,
      projectLower: project.activation?.lower ?? -.infinity,
      projectUpper: project.activation?.upper ?? .infinity)
  }

  /// The raw pointers of the inputs and weights (nil: absent).
  private struct Pointers {
    var x: UnsafePointer<Float>
    var residual: UnsafePointer<Float>?
    var expand, expandBias: UnsafePointer<Float>?
    var depthwise: UnsafePointer<Float>
    var depthwiseBias: UnsafePointer<Float>?
    var project: UnsafePointer<Float>
    var projectBias: UnsafePointer<Float>?
  }

  private func withPointers(
    _ x: UnsafePointer<Float>, residual: UnsafePointer<Float>?, _ body: (Pointers) -> Void
  ) {
    guard let projectPacked = project.packed else { return }
    let none: [Float] = []
    (expand?.packed?.data ?? none).withUnsafeBufferPointer { eb in
      (expand?.bias ?? none).withUnsafeBufferPointer { ebb in
        depthwise.weight.data.withUnsafeBufferPointer { db in
          (depthwise.bias ?? none).withUnsafeBufferPointer { dbb in
            projectPacked.data.withUnsafeBufferPointer { pb in
              (project.bias ?? none).withUnsafeBufferPointer { pbb in
                guard let dp = db.baseAddress, let pp = pb.baseAddress else { return }
                body(
                  Pointers(
                    x: x, residual: residual, expand: expand == nil ? nil : eb.baseAddress,
                    expandBias: expand?.bias == nil ? nil : ebb.baseAddress,
                    depthwise: dp, depthwiseBias: depthwise.bias == nil ? nil : dbb.baseAddress,
                    project: pp, projectBias: project.bias == nil ? nil : pbb.baseAddress))
              }
            }
          }
        }
      }
    }
  }

  /// Runs `ck_mbconv` on these images and output rows with ``Scratch`` memory.
  private func run(
    _ a: Arguments, _ p: Pointers, images: Range<Int>, rows: Range<Int>,
    into y: UnsafeMutablePointer<Float>
  ) {
    let g = a.g
    let strip = Self.strip(
      rows: rows.count, expanded: a.expanded, h: a.h, w: a.w, outWidth: g.outWidth,
      kernel: g.kernelH, stride: g.strideH, bytes: stripBytes)
    let ring = ck_mbconv_ring_rows(a.h, g.kernelH, g.strideH, strip)
    let eCount = expand == nil ? 0 : a.expanded * ring * a.w
    let dCount = a.expanded * strip * g.outWidth
    Scratch.shared.withFloats(eCount + dCount) { scratch in
      mbconv(
        a, p, images: images, rows: rows, strip: strip, ring: scratch, depthwise: scratch + eCount,
        into: y)
    }
  }

  /// Output rows `rows` of images `images` of a block without expand, on the caller's input
  /// (whole `cin × h × w` images) and depthwise scratch (`cin · strip · outWidth` floats): how
  /// ``StemBlock`` runs its bands.
  func runRows(
    _ x: UnsafePointer<Float>, h: Int, w: Int, images: Range<Int>, rows: Range<Int>, strip: Int,
    depthwiseScratch: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>
  ) {
    precondition(expand == nil && !project.addsResidual, "runRows is for blocks without expand")
    let a = arguments(cin: depthwise.outChannels, h: h, w: w)
    withPointers(x, residual: nil) { p in
      mbconv(
        a, p, images: images, rows: rows, strip: strip, ring: nil, depthwise: depthwiseScratch,
        into: y)
    }
  }

  /// The one `ck_mbconv` call, by strips of `strip` output rows: `ring` holds the expanded rows
  /// (nil without expand), `depthwise` a strip of the depthwise's rows.
  private func mbconv(
    _ a: Arguments, _ p: Pointers, images: Range<Int>, rows: Range<Int>, strip: Int,
    ring: UnsafeMutablePointer<Float>?, depthwise d: UnsafeMutablePointer<Float>,
    into y: UnsafeMutablePointer<Float>
  ) {
    let g = a.g
    let status = ck_mbconv(
      KernelISA.best.rawValue, p.x, a.cin * a.h * a.w, images.lowerBound, images.upperBound,
      a.cin, a.h, a.w, p.expand, a.expanded, p.expandBias, a.expandLower, a.expandUpper,
      g.kernelH, g.kernelW, g.strideH, g.padTop, g.padLeft, g.outHeight, g.outWidth,
      p.depthwise, p.depthwiseBias, a.depthwiseLower, a.depthwiseUpper, p.project, a.cout,
      p.projectBias, a.projectLower, a.projectUpper, p.residual, rows.lowerBound,
      rows.upperBound, strip, ring, d, y, a.cout * g.outHeight * g.outWidth)
    precondition(status == 0, "InvertedResidual: out of memory for the depthwise scratch")
  }

  /// Output rows per strip: the most whose ring of expanded rows and strip of depthwise rows
  /// fit in `bytes`, and at least ``minimumStrip`` (or all of `rows` when fewer).
  ///
  /// Paired A/B runs of the whole forward pass (one thread, 100 alternating passes per budget,
  /// median CPU time per frame) at batch 1: whole images 19.9 ms, 4 MB 18.7, 2 MB 18.6 (fastest
  /// in both runs), 1 MB 19.9, 512 KB 20.8, 256 KB 21.8: smaller strips make the products too
  /// thin. At 2 MB the largest scratch falls from 6 MB (the 112×112 block's whole expanded
  /// image and depthwise output) to 2 MB per thread.
  static func strip(
    rows: Int, expanded: Int, h: Int, w: Int, outWidth: Int, kernel: Int, stride: Int,
    bytes: Int = defaultStripBytes
  ) -> Int {
    var strip = rows
    while strip > minimumStrip {
      let ring = ck_mbconv_ring_rows(h, kernel, stride, strip)
      if MemoryLayout<Float>.size * expanded * (ring * w + strip * outWidth) <= bytes {
        break
      }
      strip -= 1
    }
    return max(1, strip)
  }

  static let defaultStripBytes = 2 << 20
  static let minimumStrip = 4

  func backward(_ step: BackwardStep) -> [Tensor?] {
    preconditionFailure("InvertedResidual runs only in the logits-only plan, which has no backward")
  }
}
