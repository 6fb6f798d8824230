/// A cursor over the bytes of a GGUF file that reads little-endian fields and metadata values.
///
/// Every read checks the bytes left first, and every count or length from the file is checked
/// against the bytes left (times the least each element can take) before anything is allocated,
/// so a hostile count gives an error, never a large allocation or a read outside the file.
struct GGUFByteReader {
    /// Arrays nested deeper than this are refused (each level recurses once).
    static let arrayDepthLimit = 16

    let bytes: UnsafeRawBufferPointer
    let file: String
    private(set) var position: Int
    /// The key or tensor being read, named in errors.
    var subject: GGUFError.Subject?

    init(bytes: UnsafeRawBufferPointer, file: String, position: Int) {
        self.bytes = bytes
        self.file = file
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    func failure(_ problem: GGUFError.Problem, at offset: Int? = nil) -> GGUFError {
        GGUFError(file: file, subject: subject, offset: offset ?? position, problem: problem)
    }

    /// Reads one little-endian integer; `field` names it in the error when the file ends first.
    mutating func integer<T: FixedWidthInteger>(_ type: T.Type, _ field: String) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw failure(.truncated(field: field, needed: size, available: remaining)) }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
        position += size
        return value
    }

    /// Reads a u64 count of items that each take at least `minimumEach` bytes, refusing counts
    /// that could not fit in the rest of the file.
    mutating func count(_ field: String, minimumEach: Int) throws -> Int {
        let start = position
        let count = try integer(UInt64.self, field)
        guard count <= UInt64(remaining / minimumEach) else {
            throw failure(.countTooLarge(field: field, count: count, available: remaining, minimumEach: minimumEach), at: start)
        }
        return Int(count)
    }

    /// Reads a string: u64 byte length, then that many bytes of UTF-8.
    mutating func string(_ field: String) throws -> String {
        let start = position
        let length = try count(field + " length", minimumEach: 1)
        let raw = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw failure(.notUTF8(field: field), at: start)
        }
        position += length
        return text
    }

    /// Reads a value type tag.
    mutating func valueType(_ field: String) throws -> GGUFValueType {
        let start = position
        let raw = try integer(UInt32.self, field)
        guard let type = GGUFValueType(rawValue: raw) else { throw failure(.unknownValueType(raw), at: start) }
        return type
    }

    /// Reads one metadata value of `type`.
    mutating func value(of type: GGUFValueType) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try integer(UInt8.self, "uint8 value"))
        case .int8: return .int8(try integer(Int8.self, "int8 value"))
        case .uint16: return .uint16(try integer(UInt16.self, "uint16 value"))
        case .int16: return .int16(try integer(Int16.self, "int16 value"))
        case .uint32: return .uint32(try integer(UInt32.self, "uint32 value"))
        case .int32: return .int32(try integer(Int32.self, "int32 value"))
        case .uint64: return .uint64(try integer(UInt64.self, "uint64 value"))
        case .int64: return .int64(try integer(Int64.self, "int64 value"))
        case .float32: return .float32(Float(bitPattern: try integer(UInt32.self, "float32 value")))
        case .float64: return .float64(Double(bitPattern: try integer(UInt64.self, "float64 value")))
        case .bool: return .bool(try bool())
        case .string: return .string(try string("string value"))
        case .array: return .array(try array(depth: 1))
        }
    }

    private mutating func bool() throws -> Bool {
        let start = position
        let byte = try integer(UInt8.self, "bool value")
        guard byte <= 1 else { throw failure(.badBool(byte), at: start) }
        return byte == 1
    }

    /// Reads an array: element type, u64 count, elements.
    private mutating func array(depth: Int) throws -> GGUFArray {
        guard depth <= Self.arrayDepthLimit else { throw failure(.arrayTooDeep(limit: Self.arrayDepthLimit)) }
        let elementType = try valueType("array element type")
        let count = try count("array count", minimumEach: elementType.minimumEncodedSize)
        switch elementType {
        case .uint8: return .uint8(fixedWidth(count, as: UInt8.self))
        case .int8: return .int8(fixedWidth(count, as: Int8.self))
        case .uint16: return .uint16(fixedWidth(count, as: UInt16.self))
        case .int16: return .int16(fixedWidth(count, as: Int16.self))
        case .uint32: return .uint32(fixedWidth(count, as: UInt32.self))
        case .int32: return .int32(fixedWidth(count, as: Int32.self))
        case .uint64: return .uint64(fixedWidth(count, as: UInt64.self))
        case .int64: return .int64(fixedWidth(count, as: Int64.self))
        case .float32: return .float32(fixedWidth(count, as: UInt32.self).map(Float.init(bitPattern:)))
        case .float64: return .float64(fixedWidth(count, as: UInt64.self).map(Double.init(bitPattern:)))
        case .bool: return .bool(try (0..<count).map { _ in try bool() })
        case .string: return .string(try (0..<count).map { _ in try string("string element") })
        case .array: return .array(try (0..<count).map { _ in try array(depth: depth + 1) })
        }
    }

    /// `count` little-endian integers; `count(_:minimumEach:)` has checked that they are in the file.
    private mutating func fixedWidth<T: FixedWidthInteger>(_ count: Int, as type: T.Type) -> [T] {
        let length = count * MemoryLayout<T>.size
        let values = ElementDecoding.integers(UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)]), as: T.self)
        position += length
        return values
    }
}
