import Foundation

/// A safetensors file opened for reading: memory-mapped, its header parsed and
/// fully validated before any tensor can be touched.
///
/// Layout (https://github.com/huggingface/safetensors, "Format"): an 8-byte
/// little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name
/// to `{"dtype", "shape", "data_offsets": [begin, end]}` (plus an optional
/// `"__metadata__"` object of strings), then the data area, which the tensors'
/// byte ranges must cover exactly. Element data is little-endian, row-major.
///
/// Tensor bytes are read straight from the mapping, which lives as long as this
/// object; nothing is copied until a conversion (`floats`, `integers`) asks for it.
public final class SafeTensorsFile: WeightSource, @unchecked Sendable {
    // Sendable: the mapping is read-only and every stored property is immutable.

    /// Where the file was read from.
    public let url: URL
    /// Every tensor, in file order (ascending data offset).
    public let entries: [SafeTensorsEntry]
    /// The `__metadata__` object; empty when the header has none.
    public let metadata: [String: String]
    /// Offset of the data area from the start of the file (8 + header length).
    public let dataAreaOffset: Int

    private let mapping: MappedFile
    private let index: [String: Int]

    /// Maps and validates the file at `url`.
    ///
    /// - Throws: `SafeTensorsError` naming the file, the tensor and the offending
    ///   numbers when the file cannot be opened or breaks any rule of the format
    ///   (see docs/formats.md for the full list). No claimed size is ever
    ///   allocated and no byte outside the file is read.
    public init(contentsOf url: URL) throws {
        let path = url.path
        mapping = try MappedFile(path: path, minimumSize: 8)
        let bytes = mapping.bytes
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(SafeTensorsHeader.maximumLength) else {
            throw SafeTensorsError(file: path, problem: .headerTooLarge(length: headerLength, limit: SafeTensorsHeader.maximumLength))
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw SafeTensorsError(file: path, problem: .headerPastEndOfFile(length: headerLength, fileSize: bytes.count))
        }
        dataAreaOffset = 8 + Int(headerLength)
        let header = try SafeTensorsHeader(json: UnsafeRawBufferPointer(rebasing: bytes[8..<dataAreaOffset]),
                                           dataSize: bytes.count - dataAreaOffset, file: path)
        self.url = url
        entries = header.entries
        metadata = header.metadata
        index = Dictionary(uniqueKeysWithValues: header.entries.enumerated().map { ($0.element.name, $0.offset) })
    }

    /// The entry called `name`.
    /// - Throws: `SafeTensorsError.Problem.noSuchTensor`.
    public func entry(_ name: String) throws -> SafeTensorsEntry {
        guard let position = index[name] else {
            throw SafeTensorsError(file: url.path, tensor: name, problem: .noSuchTensor)
        }
        return entries[position]
    }

    // MARK: WeightSource

    /// Every tensor's name, in file order.
    public var tensorNames: [String] { entries.map(\.name) }

    /// The tensor's shape, dtype (`.element`) and byte count.
    /// - Throws: `noSuchTensor`.
    public func tensorInfo(_ name: String) throws -> WeightTensorInfo {
        let found = try entry(name)
        return WeightTensorInfo(name: name, shape: found.shape, dtype: .element(found.dtype), byteCount: found.byteCount)
    }

    /// The tensor's raw little-endian bytes inside the mapping, valid while this object lives
    /// (alignment as `withUnsafeBytes` says).
    /// - Throws: `noSuchTensor`.
    public func tensorBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        let range = try entry(name).dataOffsets
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[(dataAreaOffset + range.lowerBound)..<(dataAreaOffset + range.upperBound)])
    }

    /// The mapping, without the header.
    public var bytesOwner: AnyObject { mapping }

    /// Drops the tensor's pages from resident memory (``WeightSource/releasePages(ofTensor:)``).
    public func releasePages(ofTensor name: String) {
        guard let range = try? entry(name).dataOffsets else { return }
        mapping.releasePages((dataAreaOffset + range.lowerBound)..<(dataAreaOffset + range.upperBound))
    }

    /// Calls `body` with the tensor's raw little-endian bytes inside the mapping (no copy).
    ///
    /// The buffer is only valid inside `body`. It is aligned only as far as the
    /// file makes it: the mapping starts page-aligned, but the data area starts at
    /// 8 + header length, which foreign writers need not pad to a multiple of 8,
    /// so read elements with `loadUnaligned` or use `withFloat32Buffer`.
    /// - Throws: `noSuchTensor`, or whatever `body` throws.
    public func withUnsafeBytes<Result>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        let bytes = try tensorBytes(name)
        return try withExtendedLifetime(mapping) { try body(bytes) }
    }

    /// Calls `body` with an F32 tensor's elements (row-major, `entry.elementCount` of them).
    ///
    /// Zero-copy when the bytes are 4-byte aligned in memory (always so for files whose
    /// data area starts 8-aligned and whose tensors are laid out by descending element
    /// size, as this package's and the Python package's writers do); otherwise the
    /// elements are first copied into an aligned temporary array.
    /// - Throws: `noSuchTensor`; `notConvertible` unless the dtype is F32; whatever `body` throws.
    public func withFloat32Buffer<Result>(of name: String, _ body: (UnsafeBufferPointer<Float>) throws -> Result) throws -> Result {
        let found = try entry(name)
        guard found.dtype == .f32 else {
            throw SafeTensorsError(file: url.path, tensor: name, problem: .notConvertible(dtype: found.dtype, to: "a zero-copy Float32 buffer"))
        }
        let aligned = try withUnsafeBytes(of: name) { raw -> Bool in
            Int(bitPattern: raw.baseAddress) % MemoryLayout<Float>.alignment == 0
        }
        #if _endian(little)
        if aligned {
            return try withUnsafeBytes(of: name) { raw in
                try body(raw.assumingMemoryBound(to: Float.self))
            }
        }
        #endif
        return try floats(name).withUnsafeBufferPointer(body)
    }

    /// The tensor's elements converted to `Float`, row-major.
    ///
    /// F32 is copied as is, F16 and BF16 widen exactly, F64 rounds to nearest.
    /// - Throws: `noSuchTensor`; `notConvertible` for any other dtype.
    public func floats(_ name: String) throws -> [Float] {
        let found = try entry(name)
        guard let values = try withUnsafeBytes(of: name, { ElementDecoding.floats($0, dtype: found.dtype) }) else {
            throw SafeTensorsError(file: url.path, tensor: name, problem: .notConvertible(dtype: found.dtype, to: "Float"))
        }
        return values
    }

    /// The tensor's elements converted to `Int`, row-major.
    ///
    /// Accepts I64, I32, I16, I8, U64, U32, U16, U8 and BOOL (0 or the stored byte).
    /// - Throws: `noSuchTensor`; `notConvertible` for float dtypes;
    ///   `valueOutOfRange` for a U64 element above `Int.max`.
    public func integers(_ name: String) throws -> [Int] {
        let found = try entry(name)
        return try withUnsafeBytes(of: name) { raw in
            switch found.dtype {
            case .i64: return ElementDecoding.integers(raw, as: Int64.self).map { Int($0) }
            case .i32: return ElementDecoding.integers(raw, as: Int32.self).map { Int($0) }
            case .i16: return ElementDecoding.integers(raw, as: Int16.self).map { Int($0) }
            case .i8: return ElementDecoding.integers(raw, as: Int8.self).map { Int($0) }
            case .u32: return ElementDecoding.integers(raw, as: UInt32.self).map { Int($0) }
            case .u16: return ElementDecoding.integers(raw, as: UInt16.self).map { Int($0) }
            case .u8, .bool: return ElementDecoding.integers(raw, as: UInt8.self).map { Int($0) }
            case .u64:
                let values = ElementDecoding.integers(raw, as: UInt64.self)
                if let index = values.firstIndex(where: { $0 > UInt64(Int.max) }) {
                    throw SafeTensorsError(file: url.path, tensor: name, problem: .valueOutOfRange(index: index))
                }
                return values.map { Int($0) }
            default:
                throw SafeTensorsError(file: url.path, tensor: name, problem: .notConvertible(dtype: found.dtype, to: "Int"))
            }
        }
    }
}
