public import Foundation

/// Where camvideo finds its model (../shared/CLI.md `--model`): the path given, else
/// `$CAMVIDEO_MODEL`, else `$XDG_DATA_HOME/camvideo/efficientnet_lite0.onnx`
/// (`~/.local/share/…` when XDG_DATA_HOME is unset), which the README's set-up installs.
public enum ModelLocator {
  public static let defaultFileName = "efficientnet_lite0.onnx"

  /// The default model's path for this environment.
  public static func defaultPath(
    environment: [String: String] = ProcessInfo.processInfo.environment
  )
    -> String
  {
    let data =
      environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share")
    return data + "/camvideo/" + defaultFileName
  }

  /// The model file to load.
  /// - Throws: `PipelineError.modelNotFound` naming where it looked and how to install it.
  public static func locate(
    _ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(PipelineError) -> String {
    let (path, how): (String, String) =
      if let explicit {
        (explicit, "given with --model")
      } else if let env = environment["CAMVIDEO_MODEL"], !env.isEmpty {
        (env, "from $CAMVIDEO_MODEL")
      } else { (defaultPath(environment: environment), "the default location") }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      !isDirectory.boolValue
    else { throw .modelNotFound(path: path, searched: how) }
    return path
  }
}
