// The ONNX importer's fuzz target: any bytes must load as a model or fail with a ModelError —
// never crash, hang or allocate without bound — and a model that loads must run a forward pass
// on a small input or fail with an EngineError.
//
// The driver mutates the seed models in Fuzz/seeds (bit flips, interesting bytes, truncation,
// repeats, inserted bytes, splices, varints made huge) for N iterations, deterministic for a
// seed (`make fuzz`):
//     swift run -c release camvideo-fuzz-importer [SEEDS_DIR] [--iterations N] [--seed S]
// (A coverage-guided libFuzzer build is not wired: SwiftPM's executable entry point and
// libFuzzer's main() collide at link time with this toolchain's gold linker.)
import Engine
import Foundation

/// Loads `data` as a model named `url` and, if it loads, runs it once on a small input.
/// - Returns: whether it loaded.
@discardableResult
func fuzzOne(_ data: Data, url: URL) -> Bool {
  guard let model = try? Model.load(data: data, url: url) else { return false }
  // A forward pass on a small batch when the input has a usable static shape.
  let shape = model.inputShape.enumerated().map { i, d in i == 0 ? 1 : (d.value ?? 0) }
  guard !shape.isEmpty, shape.count <= 6, shape.allSatisfy({ $0 > 0 && $0 <= 4096 }),
    shape.reduce(1, *) <= 1 << 20
  else { return true }
  _ = try? model.predict(Tensor(shape: shape, repeating: 0.5))
  return true
}

@main
struct ImporterFuzz {
  static func main() throws {
    var iterations = 2000
    var seed: UInt64 = 1
    var dir = "Fuzz/seeds"
    var args = CommandLine.arguments.dropFirst().makeIterator()
    while let a = args.next() {
      switch a {
      case "--iterations": iterations = Int(args.next() ?? "") ?? iterations
      case "--seed": seed = UInt64(args.next() ?? "") ?? seed
      default: dir = a
      }
    }
    let folder = URL(fileURLWithPath: dir)
    let seeds = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
      .filter { $0.hasSuffix(".onnx") }
      .map { (name: $0, data: try Data(contentsOf: folder.appendingPathComponent($0))) }
    guard !seeds.isEmpty else {
      FileHandle.standardError.write(Data("no .onnx seeds in \(dir)\n".utf8))
      exit(1)
    }
    var rng = SplitMix64(seed)
    var loaded = 0
    let start = Date()
    for i in 0..<iterations {
      let base = seeds[i % seeds.count]
      let bytes = mutate(Array(base.data), others: seeds.map(\.data), rng: &rng)
      let data = Data(bytes)
      // Named beside the seeds, so external data files resolve (and traversal is tried).
      if fuzzOne(data, url: folder.appendingPathComponent(base.name)) { loaded += 1 }
    }
    let seconds = Date().timeIntervalSince(start)
    print(
      "fuzzed the importer: \(iterations) inputs from \(seeds.count) seeds (seed \(seed)) in "
        + String(format: "%.1f s", seconds)
        + "; \(loaded) loaded, \(iterations - loaded) rejected; no crash")
  }

  /// One to four random edits of `bytes`.
  static func mutate(_ bytes: [UInt8], others: [Data], rng: inout SplitMix64) -> [UInt8] {
    var b = bytes
    for _ in 0..<(1 + Int(rng.next() % 4)) {
      let n = max(b.count, 1)
      let at = Int(rng.next() % UInt64(n))
      switch rng.next() % 7 {
      case 0 where !b.isEmpty: b[at % b.count] ^= UInt8(1 << (rng.next() % 8))
      case 1 where !b.isEmpty:
        b[at % b.count] = [0, 0x7f, 0x80, 0xff, 0x01, 0x10][Int(rng.next() % 6)]
      case 2: b = Array(b.prefix(at))  // truncation
      case 3 where !b.isEmpty:  // a run of bytes repeated
        let len = min(b.count - at % b.count, 1 + Int(rng.next() % 16))
        b.insert(contentsOf: b[(at % b.count)..<(at % b.count + len)], at: at % b.count)
      case 4:  // random bytes inserted
        b.insert(
          contentsOf: (0..<(1 + rng.next() % 8)).map { _ in UInt8(rng.next() & 0xff) },
          at: min(at, b.count))
      case 5:  // splice with another seed
        let other = Array(others[Int(rng.next() % UInt64(others.count))])
        b = Array(b.prefix(at)) + other.suffix(max(0, other.count - at))
      case 6 where b.count >= 10:  // a varint made huge (lengths, dims)
        let i = at % (b.count - 9)
        for k in 0..<9 { b[i + k] = 0xff }
        b[i + 9] = 0x01
      default: break
      }
    }
    return b
  }
}

/// A small deterministic generator (Steele, Lea and Flood's SplitMix64).
struct SplitMix64 {
  var state: UInt64
  init(_ seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
