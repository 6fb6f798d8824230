import Foundation

/// A GGUF file (llama.cpp's model format, versions 2 and 3) opened for reading: memory-mapped, its
/// metadata read and every tensor info validated before any tensor can be touched.
///
/// Layout (ggml's docs/gguf.md), all little-endian: the magic `GGUF`, a u32 version, a u64 tensor
/// count, a u64 metadata count; the metadata (each a string key, a u32 value type and the value;
/// strings are a u64 length and UTF-8 bytes; arrays an element type, a u64 count and the elements);
/// the tensor infos (name, u32 n_dims, n_dims u64 `ne` innermost first, u32 ggml type, u64 offset
/// into the data section); padding to `general.alignment` (default 32); the data section.
///
/// ```swift
/// let file = try GGUFFile(contentsOf: url)
/// try file.metadata.string("general.architecture")   // "llama"
/// let q = try file.entry("blk.0.attn_q.weight")     // type .q4_1, dimensions [576, 576]
/// let bytes = try file.tensorBytes(q.name)           // the blocks, in the mapping
/// ```
public final class GGUFFile: WeightSource, @unchecked Sendable {
    // Sendable: the mapping is read-only and every stored property is immutable.

    /// ggml's default `general.alignment`.
    public static let defaultAlignment = 32

    /// Where the file was read from.
    public let url: URL
    /// The format version (2 or 3).
    public let version: Int
    /// The key-value metadata, in file order.
    public let metadata: GGUFMetadata
    /// `general.alignment`, or 32: tensor offsets and the data section start are multiples of it.
    public let alignment: Int
    /// Every tensor, in file order.
    public let tensors: [GGUFTensorInfo]
    /// Offset of the data section from the start of the file.
    public let dataOffset: Int

    private let mapping: MappedFile
    private let index: [String: Int]

    /// Maps and validates the file at `url`.
    ///
    /// - Throws: `GGUFError` naming the file, the key or tensor, the byte offset and the offending
    ///   numbers when the file cannot be opened or breaks a rule of the format (docs/formats.md
    ///   lists them). Counts and lengths are checked against the bytes left before anything is
    ///   allocated, and no byte outside the file is read.
    public init(contentsOf url: URL) throws {
        let path = url.path
        do {
            mapping = try MappedFile(path: path, minimumSize: 8)
        } catch {
            throw GGUFError.converting(error, file: path)
        }
        var reader = GGUFByteReader(bytes: mapping.bytes, file: path, position: 0)
        version = try Self.readVersion(&reader)
        // The least a tensor info takes: an empty name's length, n_dims, one ne, type, offset.
        let tensorCount = try reader.count("tensor count", minimumEach: 8 + 4 + 8 + 4 + 8)
        // The least a key-value takes: an empty key's length, the type, a one-byte value.
        let keyCount = try reader.count("metadata count", minimumEach: 8 + 4 + 1)
        metadata = try GGUFMetadata(entries: Self.readMetadata(&reader, count: keyCount), file: path)
        alignment = try Self.alignment(of: metadata)
        let records = try Self.readTensorRecords(&reader, count: tensorCount, alignment: alignment)
        // The data section starts at the next multiple of the alignment (at most 2^31, so no overflow).
        dataOffset = reader.position + padding(reader.position, alignment)
        tensors = try placedTensors(records, dataSize: max(0, mapping.bytes.count - dataOffset), file: path)
        index = Dictionary(uniqueKeysWithValues: tensors.enumerated().map { ($0.element.name, $0.offset) })
        self.url = url
        // Everything above is a copy: the header's pages (the vocabulary and merges, ~1.7 MiB for SmolLM2) need not
        // stay resident.
        mapping.releasePages(0..<dataOffset)
    }

    private static func readVersion(_ reader: inout GGUFByteReader) throws -> Int {
        let magic = Array(reader.bytes[0..<4])
        guard magic == Array("GGUF".utf8) else { throw reader.failure(.badMagic(found: magic), at: 0) }
        _ = try reader.integer(UInt32.self, "magic")
        let version = try reader.integer(UInt32.self, "version")
        if version == 2 || version == 3 { return Int(version) }
        if version.byteSwapped == 2 || version.byteSwapped == 3 { throw reader.failure(.bigEndian, at: 4) }
        throw reader.failure(.unsupportedVersion(version), at: 4)
    }

    private static func readMetadata(_ reader: inout GGUFByteReader, count: Int) throws -> [GGUFMetadata.Entry] {
        try (0..<count).map { _ in
            reader.subject = nil
            let key = try reader.string("metadata key")
            reader.subject = .key(key)
            return GGUFMetadata.Entry(key, try reader.value(of: reader.valueType("value type")))
        }
    }

    private static func readTensorRecords(_ reader: inout GGUFByteReader, count: Int, alignment: Int) throws -> [GGUFTensorRecord] {
        var names = Set<String>()
        return try (0..<count).map { _ in
            let start = reader.position
            let record = try reader.tensorRecord(alignment: alignment)
            guard names.insert(record.name).inserted else {
                throw GGUFError(file: reader.file, subject: .tensor(record.name), offset: start, problem: .duplicateTensorName)
            }
            return record
        }
    }

    /// `general.alignment` of `metadata`, or the default.
    /// - Throws: `badAlignment` unless the value is a uint32 power of two.
    static func alignment(of metadata: GGUFMetadata) throws -> Int {
        guard let value = metadata["general.alignment"] else { return defaultAlignment }
        guard case .uint32(let alignment) = value, alignment != 0, alignment & (alignment - 1) == 0 else {
            let found = value.int.map { "\(value.type) \($0)" } ?? "\(value.type)"
            throw GGUFError(file: metadata.file, subject: .key("general.alignment"), problem: .badAlignment(found: found))
        }
        return Int(alignment)
    }

    /// The tensor called `name`.
    /// - Throws: `GGUFError.Problem.noSuchTensor`.
    public func entry(_ name: String) throws -> GGUFTensorInfo {
        guard let position = index[name] else {
            throw GGUFError(file: url.path, subject: .tensor(name), problem: .noSuchTensor)
        }
        return tensors[position]
    }

    // MARK: WeightSource

    /// Every tensor's name, in file order.
    public var tensorNames: [String] { tensors.map(\.name) }

    /// The tensor's shape outermost first (`ne` reversed), its dtype and byte count.
    /// - Throws: `GGUFError.Problem.noSuchTensor`.
    public func tensorInfo(_ name: String) throws -> WeightTensorInfo {
        let found = try entry(name)
        return WeightTensorInfo(name: name, shape: found.shape, dtype: WeightDType(found.type), byteCount: found.byteCount)
    }

    /// The tensor's bytes (elements or blocks, ggml layout) inside the mapping, valid while this
    /// object lives. Aligned to the file's alignment relative to the page-aligned mapping.
    /// - Throws: `GGUFError.Problem.noSuchTensor`.
    public func tensorBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        let found = try entry(name)
        let start = dataOffset + found.offset
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<(start + found.byteCount)])
    }

    /// The mapping, without the metadata.
    public var bytesOwner: AnyObject { mapping }

    /// Drops the tensor's pages from resident memory (``WeightSource/releasePages(ofTensor:)``).
    public func releasePages(ofTensor name: String) {
        guard let found = try? entry(name) else { return }
        mapping.releasePages((dataOffset + found.offset)..<(dataOffset + found.offset + found.byteCount))
    }
}
