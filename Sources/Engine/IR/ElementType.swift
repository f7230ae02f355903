/// The ONNX element types the engine reads.
///
/// Computation is float32; the integer types carry shape arithmetic that is folded at load time.
enum ElementType: Int, Sendable, CustomStringConvertible {
  case float = 1
  case uint8 = 2
  case int8 = 3
  case uint16 = 4
  case int16 = 5
  case int32 = 6
  case int64 = 7
  case bool = 9
  case double = 11
  case uint32 = 12
  case uint64 = 13

  /// The ONNX `TensorProto.DataType` code, or an error naming it.
  init(onnx code: Int) throws(NodeError) {
    guard let t = ElementType(rawValue: code) else {
      throw .unsupported("data type \(ElementType.onnxName(code)) (\(code))")
    }
    self = t
  }

  var isFloatingPoint: Bool { self == .float || self == .double }

  /// Bytes per element in `raw_data`.
  var byteSize: Int {
    switch self {
    case .uint8, .int8, .bool: return 1
    case .uint16, .int16: return 2
    case .float, .int32, .uint32: return 4
    case .int64, .double, .uint64: return 8
    }
  }

  var description: String { ElementType.onnxName(rawValue) }

  static func onnxName(_ code: Int) -> String {
    let names = [
      0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32",
      7: "INT64", 8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64",
      14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16",
    ]
    return names[code] ?? "type \(code)"
  }
}
