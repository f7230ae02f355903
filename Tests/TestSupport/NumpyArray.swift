public import Foundation

/// A `.npy` file (NumPy format versions 1–3) read for the golden tests: little-endian
/// float16/float32/float64/int64/int32/uint8 arrays in C order, converted to Float.
public struct NumpyArray: Sendable {
  /// The dimensions, outermost first.
  public var shape: [Int]
  /// The elements in C order, converted to Float.
  public var values: [Float]

  /// Why a file could not be read.
  public enum Failure: Error, CustomStringConvertible {
    case format(String, String)
    public var description: String {
      switch self {
      case .format(let file, let why): return "\(file): not a supported .npy file: \(why)"
      }
    }
  }

  /// Reads a `.npy` file.
  public init(contentsOf url: URL) throws {
    let data = try Data(contentsOf: url)
    let file = url.path
    let bytes = [UInt8](data)
    guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
      throw Failure.format(file, "no magic")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    if major == 1 {
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    } else {
      guard bytes.count >= 12 else { throw Failure.format(file, "short header") }
      headerLength =
        Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    }
    guard headerStart + headerLength <= bytes.count else {
      throw Failure.format(file, "truncated header")
    }
    let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
    func field(_ key: String) -> String? {
      guard let r = header.range(of: "'\(key)':") else { return nil }
      return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
    }
    guard let descr = field("descr")?.split(separator: "'").first.map(String.init) else {
      throw Failure.format(file, "no descr")
    }
    guard let order = field("fortran_order"), order.hasPrefix("False") else {
      throw Failure.format(file, "Fortran order")
    }
    guard let shapeText = field("shape"), let open = shapeText.firstIndex(of: "("),
      let close = shapeText.firstIndex(of: ")")
    else { throw Failure.format(file, "no shape") }
    shape = shapeText[shapeText.index(after: open)..<close].split(separator: ",")
      .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    let count = shape.reduce(1, *)
    let body = Data(bytes[(headerStart + headerLength)...])
    func load<T>(_: T.Type, _ size: Int, _ convert: (T) -> Float) throws -> [Float] {
      guard body.count >= count * size else { throw Failure.format(file, "truncated data") }
      return body.withUnsafeBytes { raw in
        (0..<count).map { convert(raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
      }
    }
    switch descr {
    case "<f2": values = try load(UInt16.self, 2) { Float(Float16(bitPattern: $0)) }
    case "<f4": values = try load(Float.self, 4) { $0 }
    case "<f8": values = try load(Double.self, 8) { Float($0) }
    case "<i8": values = try load(Int64.self, 8) { Float($0) }
    case "<i4": values = try load(Int32.self, 4) { Float($0) }
    case "|u1": values = try load(UInt8.self, 1) { Float($0) }
    default: throw Failure.format(file, "dtype \(descr)")
    }
  }
}
