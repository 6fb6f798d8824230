/// The element types a safetensors header may name, spelled as in the format
/// (https://github.com/huggingface/safetensors, "Format" section).
///
/// The cases are declared in the order the reference implementation ranks them
/// (smallest alignment first); the writer lays tensors out by descending rank so
/// every tensor starts at a multiple of its element size.
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8e5m2 = "F8_E5M2"
    case f8e4m3 = "F8_E4M3"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .f64, .i64, .u64: return 8
        }
    }

    /// Bytes taken by a tensor of this dtype and `shape` (dimensions assumed
    /// non-negative), or nil when the product overflows `Int`.
    public func byteCount(shape: [Int]) -> Int? {
        var count = byteSize
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// Position in the reference implementation's dtype order (0 = BOOL).
    var layoutRank: Int {
        Self.allCases.firstIndex(of: self) ?? 0
    }
}
