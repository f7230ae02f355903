import Foundation
import SwiftProtobuf

/// Turns ONNX `TensorProto`s (initializers, `Constant` values, tensor attributes) into
/// ``ConstantTensor``s: `raw_data` (little-endian) or the typed fields (`float_data`,
/// `int64_data`, `int32_data`, `double_data`), or external data in a file next to the model.
struct TensorDecoder {
  /// The model file; external data paths are relative to its folder and must stay inside it.
  var modelURL: URL

  /// At most this many elements per tensor (guards against absurd dims in damaged files).
  static let maxElements = maximumTensorElements

  enum Failure: Error {
    /// The tensor's bytes are inconsistent: the file is malformed.
    case malformed(String)
    /// A valid tensor of a kind the engine does not read.
    case unsupported(String)
    /// External data that cannot be read.
    case unreadable(String)
  }

  func decode(_ proto: Onnx_TensorProto) throws(Failure) -> ConstantTensor {
    let label = proto.name.isEmpty ? "tensor" : "tensor '\(proto.name)'"
    let type: ElementType
    do { type = try ElementType(onnx: Int(proto.dataType)) } catch {
      throw .unsupported("\(label): \(error.reason)")
    }
    var shape: [Int] = []
    var count = 1
    for d in proto.dims {
      guard d >= 0, d <= Int64(Self.maxElements) else {
        throw .malformed("\(label): dimension \(d)")
      }
      shape.append(Int(d))
      count = count.multipliedReportingOverflow(by: Int(d)).partialValue
      guard count <= Self.maxElements else {
        throw .malformed("\(label): too many elements (dims \(proto.dims))")
      }
    }
    if proto.hasSegment { throw .unsupported("\(label): segmented tensors") }

    let bytes: Data?
    if proto.dataLocation == .external {
      bytes = try externalBytes(proto, label: label)
    } else if proto.hasRawData {
      bytes = proto.rawData
    } else {
      bytes = nil
    }
    if let bytes {
      guard bytes.count == count * type.byteSize else {
        throw .malformed("\(label): \(bytes.count) bytes of data for \(count) \(type) elements")
      }
      return ConstantTensor(
        type: type, shape: shape, elements: Self.elements(raw: bytes, type: type, count: count))
    }
    let elements: ConstantTensor.Elements
    switch type {
    case .float:
      elements = .float(proto.floatData)
      try Self.check(proto.floatData.count, count, label)
    case .double:
      elements = .float(proto.doubleData.map { Float($0) })
      try Self.check(proto.doubleData.count, count, label)
    case .int64:
      elements = .int(proto.int64Data.map { Dim(Int($0)) })
      try Self.check(proto.int64Data.count, count, label)
    case .int32, .int16, .int8, .uint8, .uint16, .bool:
      elements = .int(proto.int32Data.map { Dim(Int($0)) })
      try Self.check(proto.int32Data.count, count, label)
    case .uint32, .uint64:
      elements = .int(proto.uint64Data.map { Dim(Int(truncatingIfNeeded: $0)) })
      try Self.check(proto.uint64Data.count, count, label)
    }
    return ConstantTensor(type: type, shape: shape, elements: elements)
  }

  private static func check(_ have: Int, _ want: Int, _ label: String) throws(Failure) {
    guard have == want else { throw .malformed("\(label): \(have) values for \(want) elements") }
  }

  /// Little-endian raw bytes to elements (`raw` holds `count` of them: the caller checked).
  private static func elements(raw: Data, type: ElementType, count: Int) -> ConstantTensor.Elements
  {
    precondition(raw.count >= count * type.byteSize, "raw data shorter than its elements")
    return raw.withUnsafeBytes { (buf: UnsafeRawBufferPointer) -> ConstantTensor.Elements in
      func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T {
        T(littleEndian: buf.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
      }
      switch type {
      case .float:
        #if _endian(little)
          // The file's layout is the machine's: one copy (18 MB of EfficientNet-Lite0 weights
          // element by element took 10 % of loading the model).
          return .float(
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
              if count > 0, let source = buf.baseAddress, let target = out.baseAddress {
                UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: 4 * count)
              }
              initialized = count
            })
        #else
          return .float((0..<count).map { Float(bitPattern: load(UInt32.self, $0)) })
        #endif
      case .double:
        return .float((0..<count).map { Float(Double(bitPattern: load(UInt64.self, $0))) })
      case .int64: return .int((0..<count).map { Dim(Int(load(Int64.self, $0))) })
      case .uint64:
        return .int((0..<count).map { Dim(Int(truncatingIfNeeded: load(UInt64.self, $0))) })
      case .int32: return .int((0..<count).map { Dim(Int(load(Int32.self, $0))) })
      case .uint32: return .int((0..<count).map { Dim(Int(load(UInt32.self, $0))) })
      case .int16: return .int((0..<count).map { Dim(Int(load(Int16.self, $0))) })
      case .uint16: return .int((0..<count).map { Dim(Int(load(UInt16.self, $0))) })
      case .int8: return .int((0..<count).map { Dim(Int(load(Int8.self, $0))) })
      case .uint8: return .int((0..<count).map { Dim(Int(load(UInt8.self, $0))) })
      case .bool: return .int((0..<count).map { Dim(load(UInt8.self, $0) != 0 ? 1 : 0) })
      }
    }
  }

  /// Reads `location` / `offset` / `length` from a file in the model's folder.
  private func externalBytes(_ proto: Onnx_TensorProto, label: String) throws(Failure) -> Data {
    var entries: [String: String] = [:]
    for e in proto.externalData { entries[e.key] = e.value }
    guard let location = entries["location"], !location.isEmpty else {
      throw .malformed("\(label): external data without a location")
    }
    guard let offset = Int(entries["offset"] ?? "0"), offset >= 0 else {
      throw .malformed("\(label): bad external data offset '\(entries["offset"] ?? "")'")
    }
    var length: Int?
    if let text = entries["length"] {
      guard let l = Int(text), l >= 0 else {
        throw .malformed("\(label): bad external data length '\(text)'")
      }
      length = l
    }
    let url = try resolveExternal(location, label: label)
    let handle: FileHandle
    do { handle = try FileHandle(forReadingFrom: url) } catch {
      throw .unreadable(
        "\(label): cannot open external data \(url.path): \(error.localizedDescription)")
    }
    defer { try? handle.close() }
    do {
      try handle.seek(toOffset: UInt64(offset))
      let data: Data
      if let length {
        data = try handle.read(upToCount: length) ?? Data()
        guard data.count == length else {
          throw Failure.malformed(
            "\(label): external data \(location) ends after \(data.count) of \(length) bytes")
        }
      } else {
        data = try handle.readToEnd() ?? Data()
      }
      return data
    } catch let f as Failure {
      throw f
    } catch {
      throw .unreadable(
        "\(label): reading external data \(url.path): \(error.localizedDescription)")
    }
  }

  /// The external file's URL; rejects absolute paths and paths that leave the model's folder
  /// (including through symbolic links).
  func resolveExternal(_ location: String, label: String) throws(Failure) -> URL {
    let folder = modelURL.deletingLastPathComponent().standardizedFileURL.resolvingSymlinksInPath()
    guard !location.hasPrefix("/"), !location.contains("\0"), !location.contains("\\") else {
      throw .unsupported(
        "\(label): external data path '\(location)' is not relative to the model's folder")
    }
    let url = folder.appendingPathComponent(location).standardizedFileURL.resolvingSymlinksInPath()
    let base = folder.path.hasSuffix("/") ? folder.path : folder.path + "/"
    guard url.path.hasPrefix(base) else {
      throw .unsupported("\(label): external data path '\(location)' leaves the model's folder")
    }
    return url
  }
}
