/// Little-endian GGUF encoding of header fields and metadata values into a byte array
/// (the inverse of `GGUFByteReader`).
struct GGUFByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func integer<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A u64 byte length then the UTF-8 bytes.
    mutating func string(_ text: String) {
        integer(UInt64(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    /// Zero bytes up to the next multiple of `alignment`.
    mutating func pad(to alignment: Int) {
        bytes.append(contentsOf: repeatElement(0, count: padding(bytes.count, alignment)))
    }

    /// A value without its type tag.
    mutating func value(_ value: GGUFValue) {
        switch value {
        case .uint8(let v): integer(v)
        case .int8(let v): integer(v)
        case .uint16(let v): integer(v)
        case .int16(let v): integer(v)
        case .uint32(let v): integer(v)
        case .int32(let v): integer(v)
        case .uint64(let v): integer(v)
        case .int64(let v): integer(v)
        case .float32(let v): integer(v.bitPattern)
        case .float64(let v): integer(v.bitPattern)
        case .bool(let v): integer(UInt8(v ? 1 : 0))
        case .string(let v): string(v)
        case .array(let v): array(v)
        }
    }

    /// An array: element type, u64 count, elements.
    mutating func array(_ elements: GGUFArray) {
        integer(elements.elementType.rawValue)
        integer(UInt64(elements.count))
        switch elements {
        case .uint8(let v): v.forEach { integer($0) }
        case .int8(let v): v.forEach { integer($0) }
        case .uint16(let v): v.forEach { integer($0) }
        case .int16(let v): v.forEach { integer($0) }
        case .uint32(let v): v.forEach { integer($0) }
        case .int32(let v): v.forEach { integer($0) }
        case .uint64(let v): v.forEach { integer($0) }
        case .int64(let v): v.forEach { integer($0) }
        case .float32(let v): v.forEach { integer($0.bitPattern) }
        case .float64(let v): v.forEach { integer($0.bitPattern) }
        case .bool(let v): v.forEach { integer(UInt8($0 ? 1 : 0)) }
        case .string(let v): v.forEach { string($0) }
        case .array(let v): v.forEach { array($0) }
        }
    }
}

/// Bytes needed after `size` to reach a multiple of `alignment` (a power of two).
func padding(_ size: Int, _ alignment: Int) -> Int {
    (alignment - size % alignment) % alignment
}
