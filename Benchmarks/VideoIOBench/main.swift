// camvideo-bench-video: decode and encode speed of the video layer next to the ffmpeg CLI doing
// the same work, in the same run, on the same clip and thread count. Prints medians and ratios.
//
//   swift run -c release camvideo-bench-video [CLIP] [--repeats N] [--threads N]
//
// The three jobs, ours vs the CLI's:
//   decode     VideoReader → packed RGB24      vs  ffmpeg -i CLIP -f rawvideo -pix_fmt rgb24 /dev/null
//   encode     VideoWriter RGB24 → libx264     vs  ffmpeg -f rawvideo -i frames.rgb -c:v libx264 out.mp4
//   transcode  decode + encode                 vs  ffmpeg -i CLIP -vf format=rgb24 -c:v libx264 out.mp4
//              (through RGB on both sides: camvideo draws on RGB frames)
// (libx264 -preset veryfast -crf 23, yuv420p, no audio, -threads N everywhere.)
import Foundation
import VideoIO

struct Options {
  var clip = "examples/media/cockatoo.mp4"
  var repeats = 5
  var threads = 1
  init(_ args: [String]) {
    var it = args.dropFirst().makeIterator()
    while let a = it.next() {
      switch a {
      case "--repeats": repeats = Int(it.next() ?? "") ?? repeats
      case "--threads": threads = Int(it.next() ?? "") ?? threads
      default: clip = a
      }
    }
  }
}

@MainActor func seconds(_ body: @MainActor () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func run(_ args: [String]) throws {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  p.arguments = args
  p.standardInput = FileHandle.nullDevice
  p.standardOutput = FileHandle.nullDevice
  p.standardError = FileHandle.nullDevice
  try p.run()
  p.waitUntilExit()
  guard p.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
}

let o = Options(CommandLine.arguments)
let tmp = FileManager.default.temporaryDirectory.appendingPathComponent(
  "camvideo-bench-\(getpid())")
try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: tmp) }
let threads = "\(o.threads)"
let x264 = [
  "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-threads",
  threads,
]

// Frames in memory for the encode job, and as a raw file for the CLI's.
let probe = try VideoReader(o.clip, options: InputOptions(decoderThreads: o.threads))
let info = probe.info.video
var frames: [VideoFrame] = []
while let f = try probe.nextFrame() { frames.append(f) }
let raw = tmp.appendingPathComponent("frames.rgb")
guard FileManager.default.createFile(atPath: raw.path, contents: nil) else {
  throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: raw.path])
}
let handle = try FileHandle(forWritingTo: raw)
for f in frames { handle.write(Data(f.image.pixels)) }
try handle.close()
let n = Double(frames.count)
print(
  "clip: \(o.clip) — \(info.codec) \(info.pixelFormat) \(info.width)x\(info.height), \(frames.count) frames; threads \(o.threads); median of \(o.repeats)"
)

@MainActor func ours(decode: Bool, encode: Bool) throws {
  let settings = OutputSettings(codec: "libx264", crf: 23, threads: o.threads)
  let out = tmp.appendingPathComponent("ours.mp4").path
  if decode && !encode {
    let r = try VideoReader(o.clip, options: InputOptions(decoderThreads: o.threads))
    while try r.nextFrame() != nil {}
    return
  }
  let w = try VideoWriter(
    out, width: info.width, height: info.height, timeBase: info.timeBase,
    frameRate: info.effectiveFrameRate, settings: settings)
  if decode {
    let r = try VideoReader(o.clip, options: InputOptions(decoderThreads: o.threads))
    while let f = try r.nextFrame() { try w.write(f.image, pts: f.pts ?? Int64(f.index)) }
  } else {
    for f in frames { try w.write(f.image, pts: f.pts ?? Int64(f.index)) }
  }
  try w.finish()
}

let cliOut = tmp.appendingPathComponent("cli.mp4").path
let ff = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
let jobs: [(String, @MainActor () throws -> Void, [String])] = [
  (
    "decode", { try ours(decode: true, encode: false) },
    ff + [
      "-threads", threads, "-i", o.clip, "-an", "-filter_threads", threads, "-f", "rawvideo",
      "-pix_fmt", "rgb24", "/dev/null",
    ]
  ),
  (
    "encode", { try ours(decode: false, encode: true) },
    ff + [
      "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "\(info.width)x\(info.height)", "-r",
      "\(info.effectiveFrameRate)",
      "-i", raw.path, "-filter_threads", threads,
    ] + x264 + [cliOut]
  ),
  (
    "transcode", { try ours(decode: true, encode: true) },
    ff + [
      "-threads", threads, "-i", o.clip, "-an", "-filter_threads", threads, "-vf", "format=rgb24",
    ] + x264 + [cliOut]
  ),
]

func pad(_ s: String, _ n: Int) -> String {
  s.count >= n ? s : String(repeating: " ", count: n - s.count) + s
}
print("job       " + pad("camvideo fps", 13) + pad("ffmpeg fps", 12) + pad("ratio", 8))
for (name, body, cli) in jobs {
  var a: [Double] = []
  var b: [Double] = []
  for _ in 0..<o.repeats {  // interleaved, so load on the shared machine hits both alike
    a.append(try seconds(body))
    b.append(try seconds { try run(cli) })
  }
  let fa = n / median(a)
  let fb = n / median(b)
  let label = name.padding(toLength: 10, withPad: " ", startingAt: 0)
  print(
    label + pad(String(format: "%.1f", fa), 13) + pad(String(format: "%.1f", fb), 12)
      + pad(String(format: "%.2fx", fa / fb), 8))
}
