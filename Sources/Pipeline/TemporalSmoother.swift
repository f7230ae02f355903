/// Temporal smoothing of the maps across frames (`--smooth A`): an exponential moving average
/// with weight `A` on the past, `s_t = A·s_{t−1} + (1 − A)·m_t`, so the heat map does not
/// flicker from frame to frame.
///
/// The average restarts when the explained class changes (maps of two classes are not mixed)
/// or the map size changes. Maps in [0, 1] stay in [0, 1]. `A = 0` passes maps through.
public struct TemporalSmoother: Sendable {
  public let weight: Float
  private var state: [Float] = []
  private var classID: Int?

  public init(weight: Float) {
    precondition((0..<1).contains(weight), "smoothing weight \(weight) outside [0, 1)")
    self.weight = weight
  }

  /// The smoothed map for this frame.
  public mutating func smooth(_ map: [Float], classID: Int) -> [Float] {
    guard weight > 0 else { return map }
    if self.classID != classID || state.count != map.count {
      state = map
      self.classID = classID
      return map
    }
    let a = weight
    let b = 1 - weight
    state.withUnsafeMutableBufferPointer { s in
      map.withUnsafeBufferPointer { m in
        for i in 0..<m.count { s[i] = a * s[i] + b * m[i] }
      }
    }
    return state
  }

  /// Forgets the past (a new clip).
  public mutating func reset() {
    state = []
    classID = nil
  }
}
