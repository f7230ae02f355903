internal import CVideoShim
internal import Foundation

/// A V4L2 camera and the modes it offers (`camvideo devices`).
public struct Camera: Sendable, Equatable {
  /// `/dev/video0`.
  public var path: String
  /// The card name the driver reports ("Integrated Camera").
  public var name: String
  public var driver: String
  public var bus: String
  public var formats: [Format]

  /// A pixel format and its frame sizes.
  public struct Format: Sendable, Equatable {
    /// The V4L2 four-character code (`YUYV`, `MJPG`).
    public var fourcc: String
    /// FFmpeg's name for it, what `--input-pixel-format` takes (`yuyv422`, `mjpeg`), when
    /// there is one.
    public var ffmpegName: String?
    public var description: String
    public var compressed: Bool
    public var modes: [Mode]
  }

  /// A frame size and the rates the camera offers at it.
  public struct Mode: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// A stepwise range from `minimumWidth × minimumHeight` up to `width × height`.
    public var isRange: Bool
    public var minimumWidth: Int
    public var minimumHeight: Int
    /// Frames per second, highest first.
    public var rates: [Double]
  }

  /// The cameras among `/dev/video*`, in numeric order.
  ///
  /// Only nodes that capture video count (metadata nodes are left out). Nodes that cannot be opened (no permission) are listed with no formats
  /// and the reason as the name.
  public static func list(folder: String = "/dev") -> [Camera] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    let nodes =
      names
      .filter { $0.hasPrefix("video") && Int($0.dropFirst(5)) != nil }
      .sorted { (Int($0.dropFirst(5)) ?? 0) < (Int($1.dropFirst(5)) ?? 0) }
    return nodes.compactMap { query(folder + "/" + $0) }
  }

  /// One device node, or nil when it is not a video capture device.
  public static func query(_ path: String) -> Camera? {
    var fd: Int32 = -1
    let opened = cv_camera_open(path, &fd)
    guard opened >= 0 else {
      return Camera(
        path: path, name: "(cannot open: \(String(cString: strerror(-opened))))", driver: "",
        bus: "", formats: [])
    }
    defer { cv_camera_close(fd) }
    var caps = cv_camera_caps()
    guard cv_camera_info(fd, &caps) >= 0, caps.can_capture != 0 else { return nil }
    var formats: [Format] = []
    var desc = cv_camera_format_desc()
    var i: Int32 = 0
    while cv_camera_format(fd, i, &desc) == 1 {
      formats.append(
        Format(
          fourcc: fourccString(desc.fourcc), ffmpegName: ffmpegNames[fourccString(desc.fourcc)],
          description: text(&desc.description), compressed: desc.compressed != 0,
          modes: modes(fd, desc.fourcc)))
      i += 1
    }
    return Camera(
      path: path, name: text(&caps.card), driver: text(&caps.driver), bus: text(&caps.bus),
      formats: formats)
  }

  private static func modes(_ fd: Int32, _ fourcc: UInt32) -> [Mode] {
    var out: [Mode] = []
    var size = cv_camera_size_desc()
    var i: Int32 = 0
    while cv_camera_size(fd, fourcc, i, &size) == 1 {
      var rates: [Double] = []
      var num: UInt32 = 0
      var den: UInt32 = 0
      var j: Int32 = 0
      while cv_camera_interval(fd, fourcc, size.width, size.height, j, &num, &den) == 1 {
        if num > 0 { rates.append(Double(den) / Double(num)) }
        j += 1
      }
      out.append(
        Mode(
          width: Int(size.width), height: Int(size.height), isRange: size.stepwise != 0,
          minimumWidth: Int(size.min_width), minimumHeight: Int(size.min_height),
          rates: rates.sorted(by: >)))
      i += 1
    }
    return out
  }

  /// `0x56595559` → `YUYV`.
  static func fourccString(_ code: UInt32) -> String {
    let bytes = (0..<4).map { UInt8((code >> (8 * $0)) & 0xFF) }
    return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
  }

  /// V4L2 codes → FFmpeg pixel format or codec names (what libavdevice's `input_format` takes).
  static let ffmpegNames: [String: String] = [
    "YUYV": "yuyv422", "UYVY": "uyvy422", "YVYU": "yvyu422", "NV12": "nv12", "NV21": "nv21",
    "YU12": "yuv420p", "YV12": "yuv420p", "422P": "yuv422p", "RGB3": "rgb24", "BGR3": "bgr24",
    "GREY": "gray", "MJPG": "mjpeg", "JPEG": "mjpeg", "H264": "h264", "HEVC": "hevc",
  ]

  private static func text<T>(_ tuple: inout T) -> String {
    withUnsafeBytes(of: &tuple) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
  }
}
