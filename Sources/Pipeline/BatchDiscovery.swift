internal import Foundation
internal import Glibc
internal import VideoIO

/// Finds a batch's files, names their outputs and tells videos from everything else — by
/// content: each file is opened with ``VideoReader``, so a clip with a wrong extension is still
/// rendered and a text file renamed `.mp4` is not mistaken for one.
public enum BatchDiscovery {
  /// Every regular file below `folder` (in sub-folders too with `recursive`), sorted by path.
  ///
  /// Hidden files and folders (a leading `.`, which includes camvideo's own `.name.*.part`
  /// temporary outputs) are left out, and so is `excluding` (the output folder, when it lies
  /// inside the input folder). Symbolic links to files are followed, to folders not (no loops).
  /// - Parameters:
  ///   - pattern: a shell glob (`*.mp4`, `day?/*.mkv`); matched against the relative path when it
  ///     contains a `/`, else against the file name. nil takes every file.
  ///   - outputFolder: where the outputs go; each clip's output is named here.
  ///   - codec, format: the output settings, which decide the output's extension.
  /// - Returns: the clips, with their outputs and sizes.
  /// - Throws: `BatchError.inputFolder` when `folder` cannot be listed.
  public static func clips(
    in folder: String, outputFolder: String, recursive: Bool, pattern: String?,
    codec: String, format: String?
  ) throws(BatchError) -> [BatchClip] {
    let root = URL(fileURLWithPath: folder).standardizedFileURL.path
    let excluded = URL(fileURLWithPath: outputFolder).standardizedFileURL.path
    var found: [(relative: String, size: Int64)] = []
    try walk(root, relative: "", recursive: recursive, excluding: excluded, into: &found)
    let matching = found.filter { matches(pattern, relative: $0.relative) }
      .sorted { $0.relative < $1.relative }
    var taken = Set<String>()
    var result: [BatchClip] = []
    for file in matching {
      let name = outputName(for: file.relative, codec: codec, format: format, taken: taken)
      taken.insert(name)
      result.append(
        BatchClip(
          relativePath: file.relative, input: join(root, file.relative),
          output: join(outputFolder, name), size: file.size))
    }
    return result
  }

  /// Opens `path` as a video and says what it is.
  ///
  /// A file that opens but is a picture (an image demuxer: PNG, JPEG, BMP, WebP...) or has no
  /// video stream is not a video. A file that does not open is unreadable if its name says
  /// video (``videoExtensions``) or FFmpeg got as far as a codec it lacks, else not a video.
  public static func probe(_ path: String) -> BatchProbe {
    let reader: VideoReader
    do {
      reader = try VideoReader(path)
    } catch {
      let named = videoExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased())
      switch error.kind {
      case .noVideoStream:
        return .notAVideo(reason: "no video stream")
      case .notFound, .notAFile, .unknownFormat, .invalidData:
        return named
          ? .unreadable(reason: error.description)
          : .notAVideo(reason: "not a video: \(error.reason)")
      default:
        return .unreadable(reason: error.description)
      }
    }
    if isPicture(reader.info.format) {
      return .notAVideo(reason: "a picture (\(reader.info.format)), not a video")
    }
    return .video
  }

  /// Extensions that announce a video: such a file that does not open is a damaged clip.
  public static let videoExtensions: Set<String> = [
    "mp4", "m4v", "mov", "qt", "mkv", "webm", "avi", "flv", "ts", "mts", "m2ts", "mpg", "mpeg",
    "vob", "ogv", "wmv", "asf", "3gp", "3g2", "mxf", "nut", "y4m", "dv", "divx", "rm", "rmvb",
  ]

  /// The output's path below the output folder.
  ///
  /// The input's relative path, with its extension kept when that container takes the output codec, else `.mp4` (`.mkv` for codecs MP4 does
  /// not take); with `--format`, that muxer's usual extension. When two inputs would share an
  /// output (`a.avi` → `a.avi`, and `a.webm` → `a.mp4` beside an `a.mp4`), the later one in
  /// path order keeps its whole name and adds the extension (`a.webm.mp4`).
  public static func outputName(
    for relative: String, codec: String, format: String?, taken: Set<String>
  ) -> String {
    let url = URL(fileURLWithPath: relative)
    let ext = url.pathExtension.lowercased()
    let family = codecFamily(codec)
    let wanted: String
    if let format {
      wanted = formatExtensions[format] ?? (ext.isEmpty ? "mp4" : ext)
    } else if let accepted = containerCodecs[ext], family.map(accepted.contains) ?? false {
      wanted = url.pathExtension
    } else if family.map({ containerCodecs["mp4", default: []].contains($0) }) ?? true {
      wanted = "mp4"
    } else {
      wanted = "mkv"
    }
    let stem = ext.isEmpty ? relative : String(relative.dropLast(url.pathExtension.count + 1))
    let name = wanted == url.pathExtension ? relative : stem + "." + wanted
    return taken.contains(name) && name != relative ? relative + "." + wanted : name
  }

  /// The codecs each writable container takes (by family).
  static let containerCodecs: [String: Set<String>] = {
    let mp4: Set<String> = ["h264", "hevc", "mpeg4", "av1", "vp9", "mjpeg"]
    let any: Set<String> = ["h264", "hevc", "mpeg4", "av1", "vp8", "vp9", "mjpeg", "ffv1"]
    return [
      "mp4": mp4, "m4v": mp4, "mov": mp4.union(["ffv1"]), "mkv": any,
      "avi": ["h264", "mpeg4", "mjpeg", "ffv1"],
      "webm": ["vp8", "vp9", "av1"], "ts": ["h264", "hevc", "mpeg4"], "mts": ["h264", "hevc"],
      "m2ts": ["h264", "hevc"], "flv": ["h264"], "3gp": ["h264", "mpeg4"], "nut": any,
    ]
  }()

  /// `--format` muxer → the extension its outputs get.
  static let formatExtensions: [String: String] = [
    "mp4": "mp4", "mov": "mov", "matroska": "mkv", "webm": "webm", "avi": "avi",
    "mpegts": "ts", "flv": "flv", "nut": "nut", "3gp": "3gp",
  ]

  /// The bitstream an encoder makes (`libx264` → `h264`); nil for one camvideo does not know.
  static func codecFamily(_ encoder: String) -> String? {
    let e = encoder.lowercased()
    if e.contains("264") || e.hasPrefix("h264") { return "h264" }
    if e.contains("265") || e.hasPrefix("hevc") { return "hevc" }
    if e.contains("vp9") { return "vp9" }
    if e == "libvpx" || e.contains("vp8") { return "vp8" }
    if e.contains("av1") || e == "librav1e" { return "av1" }
    if e == "mpeg4" || e == "libxvid" { return "mpeg4" }
    if e.contains("mjpeg") { return "mjpeg" }
    if e == "ffv1" { return "ffv1" }
    return nil
  }

  /// libavformat's picture demuxers (as `VideoReader` tells photos from videos).
  static func isPicture(_ format: String) -> Bool {
    format == "image2" || format.hasSuffix("_pipe") || format == "webp" || format == "apng"
  }

  /// Whether a relative path passes `--pattern`.
  static func matches(_ pattern: String?, relative: String) -> Bool {
    guard let pattern else { return true }
    let subject =
      pattern.contains("/") ? relative : URL(fileURLWithPath: relative).lastPathComponent
    return fnmatch(pattern, subject, pattern.contains("/") ? FNM_PATHNAME : 0) == 0
  }

  private static func join(_ folder: String, _ relative: String) -> String {
    URL(fileURLWithPath: folder).appendingPathComponent(relative).path
  }

  private static func walk(
    _ root: String, relative: String, recursive: Bool, excluding: String,
    into found: inout [(relative: String, size: Int64)]
  ) throws(BatchError) {
    let folder = relative.isEmpty ? root : join(root, relative)
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
      throw BatchError.inputFolder(path: folder, reason: "no such folder")
    }
    guard isFolder.boolValue else {
      throw BatchError.inputFolder(path: folder, reason: "not a folder")
    }
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    } catch {
      throw BatchError.inputFolder(path: folder, reason: error.localizedDescription)
    }
    for name in names where !name.hasPrefix(".") {
      let rel = relative.isEmpty ? name : relative + "/" + name
      let path = join(root, rel)
      var st = stat()
      guard lstat(path, &st) == 0 else { continue }
      let type = st.st_mode & S_IFMT
      if type == S_IFDIR {
        if recursive && path != excluding {
          try walk(root, relative: rel, recursive: recursive, excluding: excluding, into: &found)
        }
      } else if type == S_IFREG {
        found.append((rel, Int64(st.st_size)))
      } else if type == S_IFLNK, stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG {
        found.append((rel, Int64(st.st_size)))
      }
    }
  }
}
