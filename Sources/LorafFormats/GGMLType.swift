/// The element and block types of ggml tensors, as GGUF files name them (the raw value is ggml's
/// `ggml_type` id, stored as a u32 in each tensor info).
///
/// This table is the one place in loraf that knows block geometry: a tensor of `n` elements along
/// its innermost dimension takes `n / elementsPerBlock × bytesPerBlock` bytes per row, and `n` must
/// be a multiple of `elementsPerBlock`. The figures are ggml's `type_traits` (`blck_size`,
/// `type_size`, from the block structs of ggml-common.h); decoding the blocks is the kernels' job.
///
/// Note: the Python `gguf` package (0.19) lists Q8_1 with 40-byte blocks, the layout of an older
/// ggml; current ggml (and so llama.cpp) uses 36 (`ggml_half d, s; int8 qs[32]`), as here.
/// Q8_1 and Q8_K are activation types that model files do not contain.
public enum GGMLType: UInt32, CaseIterable, Sendable {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case iq2_xxs = 16
    case iq2_xs = 17
    case iq3_xxs = 18
    case iq1_s = 19
    case iq4_nl = 20
    case iq3_s = 21
    case iq2_s = 22
    case iq4_xs = 23
    case i8 = 24
    case i16 = 25
    case i32 = 26
    case i64 = 27
    case f64 = 28
    case iq1_m = 29
    case bf16 = 30
    case tq1_0 = 34
    case tq2_0 = 35
    case mxfp4 = 39

    /// ggml's name for the type: "F32", "Q4_1", "IQ2_XXS", ...
    public var name: String {
        String(describing: self).uppercased()
    }

    /// The type called `name` (as `name` spells it, e.g. "Q4_K"), or nil.
    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// Elements stored in one block (1 for the plain element types).
    public var elementsPerBlock: Int {
        geometry.elements
    }

    /// Bytes one block takes (the element size for the plain element types).
    public var bytesPerBlock: Int {
        geometry.bytes
    }

    /// True for the block-quantized types (more than one element per block).
    public var isQuantized: Bool {
        elementsPerBlock > 1
    }

    /// Bytes a tensor of these ggml dimensions takes (`dimensions[0]` innermost), or nil when
    /// `dimensions[0]` is not a multiple of `elementsPerBlock`, a dimension is negative, or the
    /// size overflows `Int`.
    public func byteCount(dimensions: [Int]) -> Int? {
        guard let innermost = dimensions.first, innermost >= 0, innermost % elementsPerBlock == 0,
              dimensions.allSatisfy({ $0 >= 0 }) else { return nil }
        var count = innermost / elementsPerBlock
        for dimension in [bytesPerBlock] + dimensions.dropFirst() {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = product
        }
        return count
    }

    private var geometry: (elements: Int, bytes: Int) {
        switch self {
        case .f32: return (1, 4)
        case .f16, .bf16: return (1, 2)
        case .f64: return (1, 8)
        case .i8: return (1, 1)
        case .i16: return (1, 2)
        case .i32: return (1, 4)
        case .i64: return (1, 8)
        case .q4_0, .iq4_nl: return (32, 18)
        case .q4_1: return (32, 20)
        case .q5_0: return (32, 22)
        case .q5_1: return (32, 24)
        case .q8_0: return (32, 34)
        case .q8_1: return (32, 36)
        case .mxfp4: return (32, 17)
        case .q2_K: return (256, 84)
        case .q3_K: return (256, 110)
        case .q4_K: return (256, 144)
        case .q5_K: return (256, 176)
        case .q6_K: return (256, 210)
        case .q8_K: return (256, 292)
        case .iq2_xxs: return (256, 66)
        case .iq2_xs: return (256, 74)
        case .iq3_xxs: return (256, 98)
        case .iq1_s: return (256, 50)
        case .iq3_s: return (256, 110)
        case .iq2_s: return (256, 82)
        case .iq4_xs: return (256, 136)
        case .iq1_m: return (256, 56)
        case .tq1_0: return (256, 54)
        case .tq2_0: return (256, 66)
        }
    }
}
