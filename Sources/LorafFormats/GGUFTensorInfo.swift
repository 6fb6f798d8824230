/// One tensor described by a GGUF file's tensor infos, validated.
public struct GGUFTensorInfo: Equatable, Sendable {
    /// The tensor's name as the file spells it (`blk.0.attn_q.weight`).
    public let name: String
    /// ggml's `ne`: dimensions innermost first (`ne[0]` is the row length). 1 to 4 of them, each ≥ 1.
    public let dimensions: [Int]
    /// Element or block type.
    public let type: GGMLType
    /// Start of the tensor's bytes relative to the data section (a multiple of the file's alignment).
    public let offset: Int
    /// Bytes the tensor takes: `ne[0] / elementsPerBlock × bytesPerBlock × ne[1] × ...`.
    public let byteCount: Int

    /// Dimensions outermost first, as PyTorch and safetensors give them: `ne = [576, 1536]` is `[1536, 576]`.
    public var shape: [Int] { dimensions.reversed() }

    /// Number of elements (the product of the dimensions).
    public var elementCount: Int { byteCount / type.bytesPerBlock * type.elementsPerBlock }
}

/// A tensor info as read, before its offset is checked against the data section.
struct GGUFTensorRecord {
    let name: String
    let dimensions: [Int]
    let type: GGMLType
    let byteCount: Int
    /// Offset relative to the data section, as stored.
    let offset: UInt64
    /// Where the offset is stored in the file (named in placement errors).
    let offsetField: Int
}

extension GGUFByteReader {
    /// ggml's `GGML_MAX_DIMS`.
    static let maximumDimensionCount = 4

    /// Reads and checks one tensor info: name (UTF-8), n_dims in 1...4, every ne ≥ 1, a known type,
    /// ne[0] a multiple of the block size, a byte count that fits `Int`, an offset that is a multiple
    /// of `alignment`.
    mutating func tensorRecord(alignment: Int) throws -> GGUFTensorRecord {
        subject = nil
        let name = try string("tensor name")
        subject = .tensor(name)
        let dimensionCountField = position
        let dimensionCount = try integer(UInt32.self, "n_dims")
        guard (1...UInt32(Self.maximumDimensionCount)).contains(dimensionCount) else {
            throw failure(.badDimensionCount(UInt64(dimensionCount)), at: dimensionCountField)
        }
        var dimensions: [Int] = []
        for index in 0..<Int(dimensionCount) {
            let field = position
            let value = try integer(UInt64.self, "ne[\(index)]")
            guard value >= 1, value <= UInt64(Int.max) else { throw failure(.badDimension(index: index, value: value), at: field) }
            dimensions.append(Int(value))
        }
        let typeField = position
        let rawType = try integer(UInt32.self, "type")
        guard let type = GGMLType(rawValue: rawType) else { throw failure(.unknownTensorType(rawType), at: typeField) }
        guard dimensions[0] % type.elementsPerBlock == 0 else {
            throw failure(.notBlockMultiple(innermost: dimensions[0], type: type), at: dimensionCountField)
        }
        guard let byteCount = type.byteCount(dimensions: dimensions) else {
            throw failure(.sizeOverflow(dimensions: dimensions, type: type), at: dimensionCountField)
        }
        let offsetField = position
        let offset = try integer(UInt64.self, "data offset")
        guard offset % UInt64(alignment) == 0 else {
            throw failure(.misalignedOffset(offset: offset, alignment: alignment), at: offsetField)
        }
        return GGUFTensorRecord(name: name, dimensions: dimensions, type: type, byteCount: byteCount,
                                offset: offset, offsetField: offsetField)
    }
}

/// The records as tensor infos, after checking that every tensor's bytes lie inside the data
/// section of `dataSize` bytes and that no two overlap.
func placedTensors(_ records: [GGUFTensorRecord], dataSize: Int, file: String) throws -> [GGUFTensorInfo] {
    func failure(_ record: GGUFTensorRecord, _ problem: GGUFError.Problem) -> GGUFError {
        GGUFError(file: file, subject: .tensor(record.name), offset: record.offsetField, problem: problem)
    }
    let tensors = try records.map { record in
        guard record.offset <= UInt64(dataSize), record.byteCount <= dataSize - Int(record.offset) else {
            throw failure(record, .dataPastEndOfFile(begin: record.offset, byteCount: record.byteCount, dataSize: dataSize))
        }
        return GGUFTensorInfo(name: record.name, dimensions: record.dimensions, type: record.type,
                              offset: Int(record.offset), byteCount: record.byteCount)
    }
    let byOffset = tensors.indices.sorted { tensors[$0].offset < tensors[$1].offset }
    for (previous, next) in zip(byOffset, byOffset.dropFirst()) {
        let previousEnd = tensors[previous].offset + tensors[previous].byteCount
        if tensors[next].offset < previousEnd {
            throw failure(records[next], .overlap(previous: tensors[previous].name, previousEnd: previousEnd, begin: tensors[next].offset))
        }
    }
    return tensors
}
