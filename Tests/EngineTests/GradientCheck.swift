import Foundation
import TestSupport
import Testing

@testable import Engine

/// Central finite differences against an operator's backward (after ggml's test-grad0): for
/// `L = Σ_k ⟨w_k, y_k⟩` with random weights `w`, every (or a sample of) input element's
/// `(L(x + ε) − L(x − ε)) / 2ε` must equal the backward's gradient.
enum GradientCheck {
  struct Result: CustomStringConvertible {
    var worst: Double = 0
    var checked = 0
    var detail = ""
    var description: String { "\(checked) elements, worst error \(worst) \(detail)" }
  }

  /// - Parameters:
  ///   - wanted: which inputs to check (default: all).
  ///   - eps: the finite-difference step (inputs must be at least 2ε from any kink).
  ///   - samples: elements checked per input (all when the input is smaller).
  static func check(
    _ op: any Operator, _ inputs: [Tensor], wanted: [Bool]? = nil, guided: Bool = false,
    eps: Float = 1e-2,
    samples: Int = 48, seed: UInt64 = 7
  ) -> Result {
    var rng = SeededRandom(seed: seed)
    let outputs = op.forward(inputs)
    let weights = outputs.map { rng.tensor($0.shape) }
    func loss(_ xs: [Tensor]) -> Double {
      var total = 0.0
      for (y, w) in zip(op.forward(xs), weights) {
        for i in 0..<y.count { total += Double(y.data[i]) * Double(w.data[i]) }
      }
      return total
    }
    let want = wanted ?? [Bool](repeating: true, count: inputs.count)
    let step = BackwardStep(
      inputs: inputs, outputs: outputs, outputGradients: weights, wanted: want, guided: guided)
    let grads = op.backward(step)
    var result = Result()
    for (k, x) in inputs.enumerated() where want[k] {
      guard let g = grads[k] else {
        result.worst = .infinity
        result.detail = "input \(k): no gradient"
        continue
      }
      precondition(g.shape == x.shape, "gradient shape \(g.shape) for input \(x.shape)")
      let indices =
        x.count <= samples
        ? Array(0..<x.count) : (0..<samples).map { _ in Int.random(in: 0..<x.count, using: &rng) }
      for i in indices {
        var plus = inputs
        var minus = inputs
        plus[k].data[i] += eps
        minus[k].data[i] -= eps
        let numeric = (loss(plus) - loss(minus)) / (2 * Double(eps))
        let analytic = Double(g.data[i])
        let error = abs(numeric - analytic) / max(1, abs(numeric))
        if error > result.worst {
          result.worst = error
          result.detail = "input \(k)[\(i)]: analytic \(analytic), numeric \(numeric)"
        }
        result.checked += 1
      }
    }
    return result
  }

  /// Random values at least `gap` away from every kink.
  static func avoiding(
    _ kinks: [Float], _ shape: [Int], range: ClosedRange<Float> = -2...2, gap: Float = 0.05,
    seed: UInt64 = 3
  ) -> Tensor {
    var rng = SeededRandom(seed: seed)
    var t = Tensor(zeros: shape)
    for i in 0..<t.count {
      var v: Float
      repeat { v = Float.random(in: range, using: &rng) } while kinks.contains { abs(v - $0) < gap }
      t.data[i] = v
    }
    return t
  }
}

/// Finite-difference tolerance for float32 operators.
let gradientTolerance = 2e-3

/// Expects `op`'s backward to match central differences on `inputs`.
func expectGradients(
  _ op: any Operator, _ inputs: [Tensor], wanted: [Bool]? = nil, guided: Bool = false,
  eps: Float = 1e-2,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let r = GradientCheck.check(op, inputs, wanted: wanted, guided: guided, eps: eps)
  #expect(r.checked > 0, "nothing was checked", sourceLocation: sourceLocation)
  #expect(r.worst < gradientTolerance, "\(r)", sourceLocation: sourceLocation)
}
