/// The class `--class auto` explains in a video, with hysteresis (`--stable-class`).
///
/// A frame's own top-1 wavers between near-equal classes ("tabby" / "tiger cat"), and each
/// switch changes the whole heat map. The rule:
/// - the class probabilities are averaged over time, `P_t = 0.7·P_{t−1} + 0.3·p_t`
///   (`P_0 = p_0`);
/// - the first frame's target is its top-1;
/// - another class takes over only after it has led the current one in `P` by at least
///   `margin` (0.05) on `hold` (5) consecutive frames — about a fifth of a second at 25 fps.
///
/// Without hysteresis (`--no-stable-class`) every frame explains its own top-1.
public struct StableTarget: Sendable {
  public let margin: Float
  public let hold: Int
  public let memory: Float
  public private(set) var current: Int?
  /// How many times the target changed after the first frame.
  public private(set) var switches = 0
  private var averaged: [Float] = []
  private var challenger: Int?
  private var streak = 0

  public init(margin: Float = 0.05, hold: Int = 5, memory: Float = 0.7) {
    precondition(hold >= 1 && margin >= 0 && (0..<1).contains(memory))
    self.margin = margin
    self.hold = hold
    self.memory = memory
  }

  /// The target for the next frame, given its class probabilities.
  public mutating func update(_ probabilities: [Float]) -> Int {
    precondition(!probabilities.isEmpty)
    if averaged.count != probabilities.count {
      averaged = probabilities
    } else {
      let a = memory
      for i in averaged.indices { averaged[i] = a * averaged[i] + (1 - a) * probabilities[i] }
    }
    guard let current else {
      let first = Self.argmax(probabilities)
      self.current = first
      return first
    }
    let leader = Self.argmax(averaged)
    if leader != current && averaged[leader] >= averaged[current] + margin {
      streak = leader == challenger ? streak + 1 : 1
      challenger = leader
      if streak >= hold {
        self.current = leader
        switches += 1
        challenger = nil
        streak = 0
        return leader
      }
    } else {
      challenger = nil
      streak = 0
    }
    return current
  }

  static func argmax(_ values: [Float]) -> Int {
    var best = 0
    for i in values.indices where values[i] > values[best] { best = i }
    return best
  }
}

/// Counts how often a sequence of per-frame targets changes (the flicker `--stable-class`
/// removes).
public struct SwitchCounter: Sendable {
  public private(set) var switches = 0
  private var last: Int?
  public init() {}
  public mutating func record(_ target: Int) {
    if let last, last != target { switches += 1 }
    last = target
  }
}
