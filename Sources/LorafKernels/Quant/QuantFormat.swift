/// A ggml tensor storage type: how a row of weights is cut into blocks and how each block encodes its numbers.
///
/// The raw value is ggml's type id (`enum ggml_type` in ggml.h, `GGMLQuantizationType` in the Python `gguf`
/// package), so a GGUF tensor's type maps with `QuantFormat(rawValue:)`. A row of `k` elements is `k / blockElements`
/// blocks of `blockBytes` bytes each, laid out back to back; docs/kernels.md describes each block.
public enum QuantFormat: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// IEEE binary32, one element per "block".
    case f32 = 0
    /// IEEE binary16.
    case f16 = 1
    /// 32 elements: f16 scale d, 16 bytes of 4-bit q; x = d·(q − 8).
    case q4_0 = 2
    /// 32 elements: f16 d, f16 m, 16 bytes of 4-bit q; x = d·q + m.
    case q4_1 = 3
    /// 32 elements: f16 d, 32 high bits, 16 bytes of low nibbles; x = d·(q − 16) with 5-bit q.
    case q5_0 = 6
    /// 32 elements: f16 d, f16 m, 32 high bits, 16 bytes of low nibbles; x = d·q + m with 5-bit q.
    case q5_1 = 7
    /// 32 elements: f16 d, 32 signed bytes q; x = q·d.
    case q8_0 = 8
    /// 256 elements: f16 d, f16 dmin, 12 bytes of 6-bit (scale, min) pairs for 8 sub-blocks, 128 bytes of 4-bit q;
    /// x = (d·scale)·q − dmin·min.
    case q4_K = 12
    /// 256 elements: as Q4_K plus 32 bytes of fifth bits.
    case q5_K = 13
    /// 256 elements: 128 bytes of low nibbles, 64 bytes of 2-bit highs, 16 signed 8-bit scales, f16 d;
    /// x = (d·scale)·(q − 32) with 6-bit q, one scale per 16 elements.
    case q6_K = 14
    /// bfloat16 (the high half of a binary32).
    case bf16 = 30

    /// Elements one block holds (1 for the plain float types).
    public var blockElements: Int {
        switch self {
        case .f32, .f16, .bf16: return 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: return 32
        case .q4_K, .q5_K, .q6_K: return 256
        }
    }

    /// Bytes one block takes (ggml's `type_size`).
    public var blockBytes: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .q4_0: return 18
        case .q4_1: return 20
        case .q5_0: return 22
        case .q5_1: return 24
        case .q8_0: return 34
        case .q4_K: return 144
        case .q5_K: return 176
        case .q6_K: return 210
        }
    }

    /// ggml's name of the type: "F32", "Q4_0", "Q4_K", "BF16", ...
    public var description: String {
        switch self {
        case .f32: return "F32"
        case .f16: return "F16"
        case .q4_0: return "Q4_0"
        case .q4_1: return "Q4_1"
        case .q5_0: return "Q5_0"
        case .q5_1: return "Q5_1"
        case .q8_0: return "Q8_0"
        case .q4_K: return "Q4_K"
        case .q5_K: return "Q5_K"
        case .q6_K: return "Q6_K"
        case .bf16: return "BF16"
        }
    }

    /// The format ggml calls `name` ("Q4_0", "q4_k", ... any case); nil for anything else.
    public init?(name: String) {
        guard let format = QuantFormat.allCases.first(where: { $0.description == name.uppercased() })
        else { return nil }
        self = format
    }

    /// Bytes of a row of `elements` elements.
    /// - Throws: `QuantError.partialBlock` when `elements` is not a multiple of `blockElements`,
    ///   `QuantError.badSize` when it is negative or the size overflows `Int`.
    public func rowBytes(elements: Int) throws -> Int {
        guard elements >= 0 else { throw QuantError.badSize("\(self) row of \(elements) elements") }
        guard elements % blockElements == 0 else {
            throw QuantError.partialBlock(format: self, elements: elements)
        }
        let (bytes, overflow) = (elements / blockElements).multipliedReportingOverflow(by: blockBytes)
        guard !overflow else { throw QuantError.badSize("\(self) row of \(elements) elements overflows Int") }
        return bytes
    }

    /// Bytes of a `rows`×`columns` matrix stored as `rows` rows of `columns` elements.
    /// - Throws: as `rowBytes(elements:)`; `QuantError.badSize` for negative `rows` or overflow.
    public func byteCount(rows: Int, columns: Int) throws -> Int {
        let row = try rowBytes(elements: columns)
        guard rows >= 0 else { throw QuantError.badSize("\(self) matrix of \(rows) rows") }
        let (bytes, overflow) = rows.multipliedReportingOverflow(by: row)
        guard !overflow else { throw QuantError.badSize("\(self) matrix \(rows)×\(columns) overflows Int") }
        return bytes
    }
}

/// Bad sizes given to the quantized-block kernels.
public enum QuantError: Error, Equatable, CustomStringConvertible {
    /// A row length that is not a whole number of blocks.
    case partialBlock(format: QuantFormat, elements: Int)
    /// Fewer bytes than the shape needs.
    case tooFewBytes(format: QuantFormat, rows: Int, columns: Int, needed: Int, given: Int)
    /// A negative or overflowing size (the text says which).
    case badSize(String)
    /// A format `Kernels.quantize` has no encoder for.
    case notQuantizable(QuantFormat)
    /// A NaN or infinity among the values to quantize, at this flat index.
    case nonFinite(index: Int, value: Float)

    public var description: String {
        switch self {
        case let .partialBlock(format, elements):
            return "\(format): a row of \(elements) elements is not a whole number of \(format.blockElements)-element blocks"
        case let .tooFewBytes(format, rows, columns, needed, given):
            return "\(format) \(rows)×\(columns): needs \(needed) bytes, got \(given)"
        case let .badSize(what):
            return "bad size: \(what)"
        case let .notQuantizable(format):
            return "\(format): no quantizer (supported: \(Kernels.quantizableFormats.sorted { $0.rawValue < $1.rawValue }.map(\.description).joined(separator: ", ")))"
        case let .nonFinite(index, value):
            return "cannot quantize \(value) (element \(index)): values must be finite"
        }
    }
}
