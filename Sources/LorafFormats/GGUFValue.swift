/// The metadata value types of GGUF (`gguf_type`, stored as a u32 before each value and as the
/// element type of each array).
public enum GGUFValueType: UInt32, CaseIterable, Sendable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes the smallest value of this type takes in a file: its fixed size, the 8-byte length of
    /// a string, or the element type and count (12 bytes) of an array.
    var minimumEncodedSize: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64, .string: return 8
        case .array: return 12
        }
    }
}

/// One GGUF metadata value. Arrays keep their element type (an empty array still has one) and
/// store their elements unboxed, so a large array costs about what it takes in the file.
public enum GGUFValue: Equatable, Sendable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case uint64(UInt64), int64(Int64), float32(Float), float64(Double), bool(Bool), string(String)
    case array(GGUFArray)

    /// The value's type tag in the file.
    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .uint64: return .uint64
        case .int64: return .int64
        case .float32: return .float32
        case .float64: return .float64
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        }
    }

    /// Any integer type whose value fits `Int`; nil for other types.
    public var int: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(v)
        default: return nil
        }
    }

    /// A float32 as is, a float64 rounded to nearest; nil for other types.
    public var float: Float? {
        switch self {
        case .float32(let v): return v
        case .float64(let v): return Float(v)
        default: return nil
        }
    }

    /// A float32 widened exactly, a float64 as is; nil for other types.
    public var double: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return nil
        }
    }

    public var bool: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }

    public var string: String? {
        if case .string(let v) = self { return v }
        return nil
    }

    public var array: GGUFArray? {
        if case .array(let v) = self { return v }
        return nil
    }

    /// An array of strings; nil for anything else.
    public var stringArray: [String]? {
        if case .string(let v)? = array { return v }
        return nil
    }

    /// An array of any integer type, each element fitting `Int`; nil otherwise.
    public var intArray: [Int]? {
        array?.ints
    }

    /// An array of float32 (as is) or float64 (rounded); nil otherwise.
    public var floatArray: [Float]? {
        switch array {
        case .float32(let v)?: return v
        case .float64(let v)?: return v.map(Float.init)
        default: return nil
        }
    }
}

/// A GGUF array: one element type, elements stored unboxed. Nested arrays hold their own arrays,
/// each with its own element type.
public enum GGUFArray: Equatable, Sendable {
    case uint8([UInt8]), int8([Int8]), uint16([UInt16]), int16([Int16]), uint32([UInt32]), int32([Int32])
    case uint64([UInt64]), int64([Int64]), float32([Float]), float64([Double]), bool([Bool]), string([String])
    case array([GGUFArray])

    /// The element type tag in the file.
    public var elementType: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .uint64: return .uint64
        case .int64: return .int64
        case .float32: return .float32
        case .float64: return .float64
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        }
    }

    /// Number of elements.
    public var count: Int {
        switch self {
        case .uint8(let v): return v.count
        case .int8(let v): return v.count
        case .uint16(let v): return v.count
        case .int16(let v): return v.count
        case .uint32(let v): return v.count
        case .int32(let v): return v.count
        case .uint64(let v): return v.count
        case .int64(let v): return v.count
        case .float32(let v): return v.count
        case .float64(let v): return v.count
        case .bool(let v): return v.count
        case .string(let v): return v.count
        case .array(let v): return v.count
        }
    }

    /// The elements as `Int` when the element type is an integer type and every element fits.
    var ints: [Int]? {
        switch self {
        case .uint8(let v): return v.map { Int($0) }
        case .int8(let v): return v.map { Int($0) }
        case .uint16(let v): return v.map { Int($0) }
        case .int16(let v): return v.map { Int($0) }
        case .uint32(let v): return v.map { Int($0) }
        case .int32(let v): return v.map { Int($0) }
        case .int64(let v): return v.map { Int($0) }
        case .uint64(let v):
            return v.allSatisfy({ $0 <= UInt64(Int.max) }) ? v.map { Int($0) } : nil
        default: return nil
        }
    }
}
