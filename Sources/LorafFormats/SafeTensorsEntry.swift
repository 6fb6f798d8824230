/// One tensor described by a safetensors header.
public struct SafeTensorsEntry: Equatable, Sendable {
    /// The tensor's key in the header.
    public let name: String
    /// Element type.
    public let dtype: SafeTensorsDType
    /// Dimensions, outermost first (row-major); `[]` is a scalar.
    public let shape: [Int]
    /// Byte range of the tensor's data, relative to the start of the data area
    /// (the byte after the header), as the header's `data_offsets` give it.
    public let dataOffsets: Range<Int>

    /// Number of data bytes (`elementCount * dtype.byteSize`).
    public var byteCount: Int { dataOffsets.count }
    /// Number of elements (the product of `shape`, 1 for a scalar).
    public var elementCount: Int { byteCount / dtype.byteSize }
}
