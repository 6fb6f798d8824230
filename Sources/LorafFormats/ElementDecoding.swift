/// Reading little-endian elements from possibly unaligned bytes, and widening the
/// 16-bit float formats to Float32.
enum ElementDecoding {
    /// The elements of `raw` as `T`, each read unaligned and converted from little-endian.
    static func integers<T: FixedWidthInteger>(_ raw: UnsafeRawBufferPointer, as type: T.Type) -> [T] {
        let count = raw.count / MemoryLayout<T>.size
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                buffer[index] = T(littleEndian: raw.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
            }
            initialized = count
        }
    }

    /// The elements of `raw` as `Float` for the float dtypes: F32 as is, F16 and BF16 widened
    /// exactly, F64 rounded to nearest; nil for any other dtype.
    static func floats(_ raw: UnsafeRawBufferPointer, dtype: SafeTensorsDType) -> [Float]? {
        guard isFloat(dtype) else { return nil }
        let count = raw.count / dtype.byteSize
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { _ = decodeFloats(raw, dtype: dtype, into: base) }
            initialized = count
        }
    }

    /// Whether `floats` and `decodeFloats` convert `dtype` (F32, F16, BF16, F64).
    static func isFloat(_ dtype: SafeTensorsDType) -> Bool {
        [.f32, .f16, .bf16, .f64].contains(dtype)
    }

    /// Writes the raw.count / dtype.byteSize elements of `raw` as `Float` to `destination`, converted as `floats`
    /// converts them; false, writing nothing, for a dtype that is not a float type.
    static func decodeFloats(_ raw: UnsafeRawBufferPointer, dtype: SafeTensorsDType, into destination: UnsafeMutablePointer<Float>) -> Bool {
        func each<T: FixedWidthInteger>(_ type: T.Type, _ convert: (T) -> Float) {
            for index in 0..<(raw.count / MemoryLayout<T>.size) {
                destination[index] = convert(T(littleEndian: raw.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self)))
            }
        }
        switch dtype {
        case .f32: each(UInt32.self, Float.init(bitPattern:))
        case .f16: each(UInt16.self, floatFromHalf)
        case .bf16: each(UInt16.self, floatFromBFloat16)
        case .f64: each(UInt64.self) { Float(Double(bitPattern: $0)) }
        default: return false
        }
        return true
    }

    /// IEEE 754 binary16 → binary32, exact (every half value is a float value).
    /// Subnormal halves are normalised; infinities and NaNs keep sign and payload bits.
    static func floatFromHalf(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        var mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        case 0:
            guard mantissa != 0 else { return Float(bitPattern: sign) }
            // value = mantissa × 2^-24; shift the leading 1 up to bit 10.
            var floatExponent: UInt32 = 127 - 14
            while mantissa & 0x0400 == 0 {
                mantissa <<= 1
                floatExponent -= 1
            }
            return Float(bitPattern: sign | (floatExponent << 23) | ((mantissa & 0x03FF) << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 127 - 15) << 23) | (mantissa << 13))
        }
    }

    /// bfloat16 → binary32, exact: bfloat16 is the upper half of a binary32.
    static func floatFromBFloat16(_ bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
