import Foundation
import TestSupport
import Testing

/// `camvideo classify` and `camvideo layers` on the installed EfficientNet-Lite0.
@Suite("classify and layers")
struct ClassifyTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  /// The reference's 224×224 input picture (`image_rgb_u8.npy`, PyTorch's golden run) as a PNG.
  static func referencePNG(_ photo: String, in dir: URL) throws -> URL {
    let npy = try Data(contentsOf: fixtures.appendingPathComponent("\(photo)_image_rgb_u8.npy"))
    // .npy v1: magic (6), version (2), header length (2, little-endian), header, data.
    let headerLength = Int(npy[8]) | Int(npy[9]) << 8
    let raw = npy.subdata(in: (10 + headerLength)..<npy.count)
    #expect(raw.count == 224 * 224 * 3)
    let rawURL = dir.appendingPathComponent("\(photo).rgb")
    try raw.write(to: rawURL)
    let png = dir.appendingPathComponent("\(photo).png")
    let r = TestEnvironment.run([
      "ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s",
      "224x224",
      "-i", rawURL.path, "-frames:v", "1", png.path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    return png
  }

  /// Top-5 and probabilities of PyTorch on those pictures (golden `top5.npy`, `top5_prob.npy`).
  static let expected: [String: [(Int, Double)]] = [
    "chelsea": [(285, 0.40313), (282, 0.32079), (281, 0.16371), (287, 0.03147), (904, 0.00172)],
    "coffee": [(967, 0.94253), (968, 0.01507), (925, 0.00790), (504, 0.00395), (809, 0.00310)],
  ]

  @Test("classify gives PyTorch's top-5, in order, probabilities within 0.01")
  func goldenTop5() throws {
    let dir = TestEnvironment.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let photos = ["chelsea", "coffee"]
    let pngs = try photos.map { try Self.referencePNG($0, in: dir) }
    let r = TestEnvironment.run(
      [TestEnvironment.binary.path, "classify", "--json"] + pngs.map(\.path))
    #expect(r.status == 0, "\(r.stderr)")
    let doc = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [[String: Any]])
    #expect(doc.count == 2)
    for (photo, entry) in zip(photos, doc) {
      #expect(entry["camvideo_version"] is String)
      #expect((entry["path"] as? String)?.hasSuffix("\(photo).png") == true)
      let top = try #require(entry["top"] as? [[String: Any]])
      let want = try #require(Self.expected[photo])
      #expect(top.map { $0["id"] as? Int ?? -1 } == want.map(\.0), "\(photo)")
      for (got, (_, p)) in zip(top, want) {
        let prob = got["prob"] as? Double ?? -1
        #expect(abs(prob - p) <= 0.01, "\(photo): \(prob) vs \(p)")
      }
      #expect(
        (top.first?["label"] as? String) == (photo == "chelsea" ? "Egyptian cat" : "espresso"))
      #expect((entry["logits_max"] as? Double ?? 0) > 5)
    }
  }

  @Test("text output names each photo and its classes")
  func textOutput() throws {
    let both = TestEnvironment.examples.appendingPathComponent("both.png").path
    let r = TestEnvironment.run([TestEnvironment.binary.path, "classify", both, "--top", "3"])
    #expect(r.status == 0)
    let lines = r.stdoutText.split(separator: "\n")
    #expect(lines.count == 4 && lines[0] == both)
    #expect(lines[1].contains("243") && lines[1].contains("bull mastiff"))
  }

  @Test("a missing model is one clear line naming the path and how to install it")
  func missingModel() throws {
    let r = TestEnvironment.run(
      [
        TestEnvironment.binary.path, "classify",
        TestEnvironment.examples.appendingPathComponent("both.png").path,
      ],
      environment: ["CAMVIDEO_MODEL": "/nonexistent/model.onnx"])
    #expect(r.status == 1)
    #expect(r.stdout.isEmpty)
    let lines = r.stderr.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(r.stderr.contains("/nonexistent/model.onnx") && r.stderr.contains("install_model.sh"))
  }

  @Test("a photo that cannot be read fails with its name, exit 1")
  func badPhoto() throws {
    let r = TestEnvironment.run([TestEnvironment.binary.path, "classify", "/nonexistent/cat.png"])
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("camvideo: /nonexistent/cat.png: "))
  }

  @Test("layers lists the tensors and marks _head_act as the default target")
  func layers() throws {
    let r = TestEnvironment.run([TestEnvironment.binary.path, "layers"])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdoutText.split(separator: "\n").map(String.init)
    let marked = lines.filter { $0.hasPrefix("* ") }
    #expect(marked.count == 2)  // the row and the closing line
    #expect(
      marked.first?.contains("_head_act") == true
        && marked.first?.contains("[N, 1280, 7, 7]") == true)
    #expect(lines.contains { $0.contains("logits") && $0.contains("[N, 1000]") })
    #expect(lines.contains { $0.contains("_blocks.10") })
  }
}
