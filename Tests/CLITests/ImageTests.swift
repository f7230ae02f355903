import Foundation
import TestSupport
import Testing

/// `camvideo image`: pytorch-grad-cam's classic demo on both.png.
@Suite("camvideo image")
struct ImageTests {
  /// The rows of a PNG (RGB), decoded by the ffmpeg CLI.
  static func pixels(_ url: URL) -> (width: Int, height: Int, rgb: [UInt8])? {
    guard let probe = TestEnvironment.ffprobe(url),
      let stream = (probe["streams"] as? [[String: Any]])?.first,
      let w = stream["width"] as? Int, let h = stream["height"] as? Int
    else { return nil }
    let raw = TestEnvironment.run([
      "ffmpeg", "-v", "error", "-i", url.path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
    ]).stdout
    guard raw.count == w * h * 3 else { return nil }
    return (w, h, [UInt8](raw))
  }

  /// The row of the heat's centre of mass in a JET overlay drawn with `--image-weight 0`: pure
  /// colormap, where red minus blue grows with the heat.
  static func heatRow(_ image: (width: Int, height: Int, rgb: [UInt8])) -> Double {
    var mass = 0.0
    var moment = 0.0
    for y in 0..<image.height {
      for x in 0..<image.width {
        let i = (y * image.width + x) * 3
        let heat = max(0, Double(image.rgb[i]) - Double(image.rgb[i + 2]))
        mass += heat
        moment += heat * Double(y)
      }
    }
    return mass > 0 ? moment / mass : -1
  }

  @Test("--class 281 puts the heat on the cat (lower half), 243 on the dog (upper half)")
  func catAndDog() throws {
    let folder = TestEnvironment.temporaryFolder()
    let both = TestEnvironment.examples.appendingPathComponent("both.png").path
    var rows: [Int: Double] = [:]
    for cls in [281, 243] {
      let out = folder.appendingPathComponent("\(cls).png")
      let r = TestEnvironment.run([
        TestEnvironment.binary.path, "image", both, out.path, "--class", "\(cls)",
        "--image-weight", "0",
      ])
      #expect(r.status == 0, "\(r.stderr)")
      let image = try #require(Self.pixels(out))
      #expect(image.width == 224 && image.height == 224)
      rows[cls] = Self.heatRow(image)
    }
    // The reference's 7×7 centres of mass: row 4.9 of 0–6 for 281, 1.6 for 243.
    let cat = try #require(rows[281])
    let dog = try #require(rows[243])
    #expect(cat > 112, "cat heat centre at row \(cat) of 224")
    #expect(dog < 112, "dog heat centre at row \(dog) of 224")
  }

  @Test("--guided writes the three pictures of the demo; an unknown class name is a clear error")
  func guided() throws {
    let folder = TestEnvironment.temporaryFolder()
    let out = folder.appendingPathComponent("cam.png")
    let both = TestEnvironment.examples.appendingPathComponent("both.png").path
    let r = TestEnvironment.run([
      TestEnvironment.binary.path, "image", both, out.path, "--class", "tabby", "--guided",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    for name in ["cam.png", "cam-gb.png", "cam-cam-gb.png"] {
      let picture = try #require(Self.pixels(folder.appendingPathComponent(name)), "\(name)")
      // Not blank: the pictures carry structure.
      #expect(Set(picture.rgb).count > 50, "\(name) is nearly flat")
    }
    let bad = TestEnvironment.run([
      TestEnvironment.binary.path, "image", both, folder.appendingPathComponent("x.png").path,
      "--class", "tabbycat",
    ])
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("tabby"), "\(bad.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.png").path))
  }

  @Test(
    "any method, a layer inside the network by module name, and another colormap",
    arguments: ["gradcam++", "eigencam", "layercam", "hirescam"])
  func methods(_ method: String) throws {
    let folder = TestEnvironment.temporaryFolder()
    let out = folder.appendingPathComponent("out.png")
    let r = TestEnvironment.run([
      TestEnvironment.binary.path, "image",
      TestEnvironment.examples.appendingPathComponent("both.png").path, out.path,
      "--method", method, "--layer", "_blocks.10", "--colormap", "turbo", "--class", "243",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let picture = try #require(Self.pixels(out))
    #expect(picture.width == 224 && Set(picture.rgb).count > 50)
  }
}
