/// The first principal component of a layer's terms, projected back onto its positions: the
/// map of EigenCAM, EigenGradCAM and `--eigen-smooth`.
///
/// As pytorch-grad-cam's `get_2d_projection`: `X` is the `HW × C` matrix of the terms (NaN → 0),
/// centred per channel; with `X = U Σ Vᵀ` the map is `X v₁ = σ₁ u₁`. It is computed from the
/// smaller Gram matrix (`X Xᵀ` or `Xᵀ X`) in Double by cyclic Jacobi rotations (by power
/// iteration above 256 rows), which gives the same component as the SVD.
///
/// The SVD leaves the sign of `v₁` arbitrary, which blanks or inverts pytorch-grad-cam's maps
/// after the ReLU (its issues #315, #364). Here the component is oriented so that it correlates
/// positively with the channel sum `Σ_c X_c` of the uncentred terms: the plain weighted sum for
/// `--eigen-smooth`, the channel mean of `A` for EigenCAM and of `G ⊙ A` for EigenGradCAM.
enum PrincipalComponent {
  /// The oriented projection, `H × W` values.
  ///
  /// - Parameters:
  ///   - terms: `C × area` values, channel-major.
  static func projection(_ terms: [Float], channels: Int, area: Int) -> [Float] {
    guard channels > 0, area > 0 else { return [Float](repeating: 0, count: area) }
    var x = [Double](repeating: 0, count: channels * area)  // channel-major, centred
    var reference = [Double](repeating: 0, count: area)
    for c in 0..<channels {
      var mean = 0.0
      for p in 0..<area {
        let v = terms[c * area + p]
        let d = v.isNaN ? 0 : Double(v)
        x[c * area + p] = d
        reference[p] += d
        mean += d
      }
      mean /= Double(area)
      for p in 0..<area { x[c * area + p] -= mean }
    }
    var projection: [Double]
    if area <= channels {
      // X Xᵀ (positions × positions): eigenvector u₁, eigenvalue σ₁².
      var gram = [Double](repeating: 0, count: area * area)
      for p in 0..<area {
        for q in p..<area {
          var s = 0.0
          for c in 0..<channels { s += x[c * area + p] * x[c * area + q] }
          gram[p * area + q] = s
          gram[q * area + p] = s
        }
      }
      let (value, vector) = leadingEigenpair(gram, n: area)
      let sigma = max(value, 0).squareRoot()
      projection = vector.map { $0 * sigma }
    } else {
      // Xᵀ X (channels × channels): eigenvector v₁; the map is X v₁.
      var gram = [Double](repeating: 0, count: channels * channels)
      for a in 0..<channels {
        for b in a..<channels {
          var s = 0.0
          for p in 0..<area { s += x[a * area + p] * x[b * area + p] }
          gram[a * channels + b] = s
          gram[b * channels + a] = s
        }
      }
      let (_, v) = leadingEigenpair(gram, n: channels)
      projection = [Double](repeating: 0, count: area)
      for c in 0..<channels where v[c] != 0 {
        for p in 0..<area { projection[p] += x[c * area + p] * v[c] }
      }
    }
    let pm = projection.reduce(0, +) / Double(area)
    let rm = reference.reduce(0, +) / Double(area)
    var agreement = 0.0
    for p in 0..<area { agreement += (projection[p] - pm) * (reference[p] - rm) }
    let sign = agreement < 0 ? -1.0 : 1.0
    return projection.map { Float($0 * sign) }
  }

  /// The largest eigenvalue of a symmetric `n × n` matrix and a unit eigenvector.
  static func leadingEigenpair(_ matrix: [Double], n: Int) -> (Double, [Double]) {
    n <= 256 ? jacobi(matrix, n: n) : powerIteration(matrix, n: n)
  }

  /// Cyclic Jacobi eigenvalue algorithm (Golub & Van Loan, Matrix Computations, §8.5).
  static func jacobi(_ matrix: [Double], n: Int) -> (Double, [Double]) {
    var a = matrix
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    var total = 0.0
    for e in a { total += e * e }
    for _ in 0..<60 {
      var off = 0.0
      for p in 0..<n {
        for q in (p + 1)..<max(n, p + 1) { off += a[p * n + q] * a[p * n + q] }
      }
      if off <= 1e-30 * total || off == 0 { break }
      for p in 0..<n {
        for q in (p + 1)..<max(n, p + 1) {
          let apq = a[p * n + q]
          if abs(apq) < 1e-300 { continue }
          let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
          let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot()
          let s = t * c
          for k in 0..<n {
            let akp = a[k * n + p]
            let akq = a[k * n + q]
            a[k * n + p] = c * akp - s * akq
            a[k * n + q] = s * akp + c * akq
          }
          for k in 0..<n {
            let apk = a[p * n + k]
            let aqk = a[q * n + k]
            a[p * n + k] = c * apk - s * aqk
            a[q * n + k] = s * apk + c * aqk
          }
          for k in 0..<n {
            let vkp = v[k * n + p]
            let vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
          }
        }
      }
    }
    var best = 0
    for i in 0..<n where a[i * n + i] > a[best * n + best] { best = i }
    return (a[best * n + best], (0..<n).map { v[$0 * n + best] })
  }

  /// Power iteration with a Rayleigh quotient, for large Gram matrices (positive semidefinite,
  /// so the dominant eigenvalue is the largest).
  static func powerIteration(_ matrix: [Double], n: Int) -> (Double, [Double]) {
    var b = (0..<n).map { 1 + Double($0 % 7) * 1e-3 }
    var lambda = 0.0
    for _ in 0..<2000 {
      var next = [Double](repeating: 0, count: n)
      for i in 0..<n {
        var s = 0.0
        for j in 0..<n { s += matrix[i * n + j] * b[j] }
        next[i] = s
      }
      let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 0 else { return (0, b) }
      next = next.map { $0 / norm }
      var change = 0.0
      for i in 0..<n { change = max(change, abs(next[i] - b[i])) }
      b = next
      lambda = norm
      if change < 1e-12 { break }
    }
    return (lambda, b)
  }
}
