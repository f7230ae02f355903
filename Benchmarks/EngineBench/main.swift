// camvideo-bench-engine: speed of the engine on EfficientNet-Lite0 next to onnxruntime on the
// same ONNX file, measured in the same run.
//
//   swift run -c release camvideo-bench-engine [MODEL] [--repeats N] [--rounds N] [--no-ort]
//     [--profile] [--profile-steps] [--batch N] [--threads N] [--cpu-time]
//
// For batch 1 and 8 and 1 and 2 threads (`BLAS.threads`) it prints ms/frame for forward (logits only,
// `Model.predict`), forward + backward to the default Grad-CAM layer (`Model.forward(_:keeping:)`
// keeping what backward to that layer needs, then `backward` from the top-1 logit; what CAMRunner
// runs), and onnxruntime's forward
// (Benchmarks/EngineBench/ort_time.py in a venv at .build/bench-venv, created on first use with
// `pip install onnxruntime numpy`). The machine is shared, so each configuration runs `--rounds`
// rounds that alternate the engine and onnxruntime, the engine's forward first in even rounds
// and second in odd ones (each a median of `--repeats` runs); the
// table shows the median round, and the fastest round in brackets. Input: uniform noise in
// [-1, 1] (speed does not depend on the values).
//
// `--cpu-time` times the engine and onnxruntime by the calling thread's CPU clock instead of the
// wall clock: on a shared machine it leaves out the time the thread waited for a core
// (single-thread runs only: other threads' work is not counted).
import Engine
import Foundation

struct Options {
  var model: String?
  var repeats = 10
  var rounds = 5
  var ort = true
  var profile = false
  var profileSteps = false
  var batches = [1, 8]
  var threadCounts = [1, 2]
  var cpuTime = false
  init(_ args: [String]) {
    var it = args.dropFirst().makeIterator()
    while let a = it.next() {
      switch a {
      case "--repeats": repeats = Int(it.next() ?? "") ?? repeats
      case "--rounds": rounds = Int(it.next() ?? "") ?? rounds
      case "--no-ort": ort = false
      case "--profile": profile = true
      case "--profile-steps": profileSteps = true
      case "--batch": batches = [Int(it.next() ?? "") ?? 1]
      case "--threads": threadCounts = [Int(it.next() ?? "") ?? 1]
      case "--cpu-time": cpuTime = true
      case _ where a.hasPrefix("-"):
        // --help, or an option this bench does not have: the usage from the header.
        print(
          "usage: camvideo-bench-engine [MODEL] [--repeats N] [--rounds N] [--no-ort] [--profile]"
            + " [--profile-steps] [--batch N] [--threads N] [--cpu-time]")
        exit(a == "--help" || a == "-h" ? 0 : 64)
      default: model = a
      }
    }
  }
}

func defaultModel() -> String {
  let env = ProcessInfo.processInfo.environment
  if let m = env["CAMVIDEO_MODEL"], !m.isEmpty { return m }
  let data = env["XDG_DATA_HOME"] ?? (NSHomeDirectory() + "/.local/share")
  return data + "/camvideo/efficientnet_lite0.onnx"
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  guard !s.isEmpty else { return .nan }
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Seconds on the wall clock, or on this thread's CPU clock.
func now(cpu: Bool) -> Double {
  guard cpu else { return Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
  var t = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func time(_ repeats: Int, cpu: Bool = false, _ body: () throws -> Void) rethrows -> Double {
  try body()  // warm-up
  var samples: [Double] = []
  for _ in 0..<repeats {
    let start = now(cpu: cpu)
    try body()
    samples.append(now(cpu: cpu) - start)
  }
  return median(samples)
}

/// onnxruntime in a Python process that answers "batch threads repeats" with ms/frame.
final class OnnxRuntime {
  let process = Process()
  let input = Pipe()
  let output = Pipe()

  init?(model: String) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent()
      .deletingLastPathComponent()
    let venv = root.appendingPathComponent(".build/bench-venv")
    let python = venv.appendingPathComponent("bin/python").path
    func run(_ args: [String]) -> Int32 {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      p.arguments = args
      p.standardInput = FileHandle.nullDevice
      p.standardOutput = FileHandle.standardError
      do { try p.run() } catch { return -1 }
      p.waitUntilExit()
      return p.terminationStatus
    }
    if !FileManager.default.isExecutableFile(atPath: python) {
      FileHandle.standardError.write(
        Data("creating \(venv.path) (pip install onnxruntime numpy)…\n".utf8))
      guard run(["python3", "-m", "venv", venv.path]) == 0,
        run([python, "-m", "pip", "install", "--quiet", "onnxruntime", "numpy"]) == 0
      else { return nil }
    }
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [
      root.appendingPathComponent("Benchmarks/EngineBench/ort_time.py").path, model, "--serve",
    ]
    process.standardInput = input
    process.standardOutput = output
    do { try process.run() } catch { return nil }
  }

  /// ms/frame, or nil when the process fails.
  ///
  /// With `cpu`, by the calling thread's CPU clock (as the engine's `--cpu-time`).
  func measure(batch: Int, threads: Int, repeats: Int, cpu: Bool) -> Double? {
    let clock = cpu ? " cpu" : ""
    input.fileHandleForWriting.write(Data("\(batch) \(threads) \(repeats)\(clock)\n".utf8))
    var line = Data()
    while true {
      let byte = output.fileHandleForReading.readData(ofLength: 1)
      if byte.isEmpty { return nil }
      if byte == Data("\n".utf8) { break }
      line.append(byte)
    }
    return Double(String(decoding: line, as: UTF8.self))
  }

  deinit {
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
  }
}

let o = Options(CommandLine.arguments)
let path = o.model ?? defaultModel()
let model = try Model.load(contentsOf: URL(fileURLWithPath: path))
let layer = model.defaultTargetLayer ?? ""
let ort = o.ort ? OnnxRuntime(model: path) : nil
print("model \(path)")
print(
  "  \(model.nodeCounts.file) nodes in the file, \(model.nodeCounts.compiled) operators after folding"
)
print("  default layer \(layer); \(BLAS.version)")
print(
  "  ms/frame: median of \(o.rounds) rounds [fastest round]; each round a median of \(o.repeats) runs"
)
print("")
print("batch threads       forward        fwd+bwd   bwd/fwd    onnxruntime   fwd/ort")
func cell(_ xs: [Double]) -> String {
  xs.isEmpty
    ? String(repeating: " ", count: 14)
    : String(format: "%6.2f [%5.2f]", median(xs), xs.min() ?? .nan)
}
for batch in o.batches {
  var rng = SystemRandomNumberGenerator()
  let size = model.inputShape.dropFirst().compactMap(\.value)
  let shape = [batch] + size
  let x = Tensor(
    shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &rng) })
  for threads in o.threadCounts {
    BLAS.threads = threads
    var fwd: [Double] = []
    var both: [Double] = []
    var onnx: [Double] = []
    var ratios: [Double] = []
    func forward() throws -> Double {
      try time(o.repeats, cpu: o.cpuTime) { _ = try model.predict(x) } / Double(batch) * 1000
    }
    func forwardBackward() throws -> Double {
      try time(o.repeats, cpu: o.cpuTime) {
        let pass = try model.forward(x, keeping: [layer])
        let logits = pass.logits
        let k = logits.shape[1]
        let top = (0..<batch).map { n in
          (0..<k).max { logits.data[n * k + $0] < logits.data[n * k + $1] } ?? 0
        }
        _ = try pass.backward(from: [Tensor.oneHot(classes: top, count: k)], to: [layer])
      } / Double(batch) * 1000
    }
    for round in 0..<max(o.rounds, 1) {
      // The engine's forward and onnxruntime's are measured back to back, in turn first and
      // second, so a change of machine load between measurements favours neither.
      let engineFirst = round.isMultiple(of: 2)
      let b = engineFirst ? nil : try forwardBackward()
      let early = engineFirst ? try forward() : nil
      let r = ort?.measure(batch: batch, threads: threads, repeats: o.repeats, cpu: o.cpuTime)
      let f = try early ?? forward()
      fwd.append(f)
      both.append(try b ?? forwardBackward())
      if let r {
        onnx.append(r)
        ratios.append(f / r)
      }
    }
    let ratio = ratios.isEmpty ? "     -" : String(format: "%6.2f", median(ratios))
    print(
      String(format: "%5d %7d ", batch, threads) + cell(fwd) + " " + cell(both)
        + String(format: "   %6.2f ", median(both) / median(fwd)) + cell(onnx) + "   " + ratio)
    if o.profile || o.profileSteps {
      for t in try model.profile(x, repeats: o.repeats, bySteps: o.profileSteps) {
        print(
          String(
            format: "      %-40@ %3d  %7.2f ms/frame", t.opType as NSString, t.count,
            t.seconds / Double(batch) * 1000))
      }
    }
  }
}
