import Foundation
import SwiftProtobuf

/// Serializes ONNX protos: how the tests (and the importer fuzz test) make small model files
/// without Python.
enum ONNXWriter {
  static func data(_ model: Onnx_ModelProto) throws -> Data {
    try model.serializedData()
  }

  /// A FLOAT (or other) tensor proto, with its values in `raw_data` or the typed fields.
  static func tensor(name: String, shape: [Int], floats: [Float], raw: Bool = true)
    -> Onnx_TensorProto
  {
    var t = Onnx_TensorProto()
    t.name = name
    t.dims = shape.map { Int64($0) }
    t.dataType = Int32(ElementType.float.rawValue)
    if raw {
      var bytes = Data(capacity: floats.count * 4)
      for f in floats {
        withUnsafeBytes(of: f.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
      }
      t.rawData = bytes
    } else {
      t.floatData = floats
    }
    return t
  }

  static func tensor(name: String, shape: [Int], int64s: [Int], raw: Bool = false)
    -> Onnx_TensorProto
  {
    var t = Onnx_TensorProto()
    t.name = name
    t.dims = shape.map { Int64($0) }
    t.dataType = Int32(ElementType.int64.rawValue)
    if raw {
      var bytes = Data(capacity: int64s.count * 8)
      for v in int64s {
        withUnsafeBytes(of: Int64(v).littleEndian) { bytes.append(contentsOf: $0) }
      }
      t.rawData = bytes
    } else {
      t.int64Data = int64s.map { Int64($0) }
    }
    return t
  }

  static func attribute(_ name: String, int: Int) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    a.type = .int
    a.i = Int64(int)
    return a
  }

  static func attribute(_ name: String, float: Float) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    a.type = .float
    a.f = float
    return a
  }

  static func attribute(_ name: String, ints: [Int]) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    a.type = .ints
    a.ints = ints.map { Int64($0) }
    return a
  }

  static func attribute(_ name: String, floats: [Float]) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    a.type = .floats
    a.floats = floats
    return a
  }

  static func attribute(_ name: String, string: String) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    a.type = .string
    a.s = Data(string.utf8)
    return a
  }

  static func attribute(_ name: String, tensor: Onnx_TensorProto) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    a.type = .tensor
    a.t = tensor
    return a
  }

  static func node(
    _ opType: String, name: String, inputs: [String], outputs: [String],
    attributes: [Onnx_AttributeProto] = []
  ) -> Onnx_NodeProto {
    var n = Onnx_NodeProto()
    n.opType = opType
    n.name = name
    n.input = inputs
    n.output = outputs
    n.attribute = attributes
    return n
  }

  /// A float tensor value info; nil dimensions are symbolic (`N`).
  static func valueInfo(_ name: String, shape: [Int?]) -> Onnx_ValueInfoProto {
    var v = Onnx_ValueInfoProto()
    v.name = name
    var t = Onnx_TypeProto.Tensor()
    t.elemType = Int32(ElementType.float.rawValue)
    var s = Onnx_TensorShapeProto()
    s.dim = shape.map { d in
      var dim = Onnx_TensorShapeProto.Dimension()
      if let d { dim.dimValue = Int64(d) } else { dim.dimParam = "N" }
      return dim
    }
    t.shape = s
    v.type.tensorType = t
    return v
  }

  /// A model around a graph: one input, outputs, initializers, opset, metadata.
  static func model(
    nodes: [Onnx_NodeProto], input: Onnx_ValueInfoProto, outputs: [String],
    initializers: [Onnx_TensorProto] = [], opset: Int = 17, metadata: [String: String] = [:]
  ) -> Onnx_ModelProto {
    var g = Onnx_GraphProto()
    g.name = "test"
    g.node = nodes
    g.input = [input]
    g.output = outputs.map { name in
      var v = Onnx_ValueInfoProto()
      v.name = name
      return v
    }
    g.initializer = initializers
    var m = Onnx_ModelProto()
    m.irVersion = 8
    var o = Onnx_OperatorSetIdProto()
    o.domain = ""
    o.version = Int64(opset)
    m.opsetImport = [o]
    m.producerName = "camvideo-tests"
    m.graph = g
    m.metadataProps = metadata.sorted { $0.key < $1.key }.map { kv in
      var e = Onnx_StringStringEntryProto()
      e.key = kv.key
      e.value = kv.value
      return e
    }
    return m
  }
}
