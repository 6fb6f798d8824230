/// A weight matrix W [rows × columns] kept in its ggml blocks: row r is `columns / format.blockElements` blocks
/// starting at byte `r · rowBytes` of `bytes` (rows back to back, as GGUF stores a 2-D tensor whose first
/// dimension ne0 = columns).
///
/// It does not own the bytes: the caller keeps them alive (e.g. the mapped GGUF file) while the matrix is used.
/// The bytes need no alignment.
public struct QuantizedMatrix: @unchecked Sendable {
    public let format: QuantFormat
    /// Rows of W (output features of a linear layer, n).
    public let rows: Int
    /// Columns of W (input features, k), a multiple of `format.blockElements`.
    public let columns: Int
    /// Bytes per row.
    public let rowBytes: Int
    /// The first byte of row 0.
    public let bytes: UnsafeRawPointer

    /// Checks the shape against the buffer.
    /// - Throws: `QuantError.partialBlock` when `columns` is not a whole number of blocks, `.badSize` for negative
    ///   sizes or overflow, `.tooFewBytes` when `buffer` is shorter than `rows · rowBytes` (longer is fine).
    public init(format: QuantFormat, rows: Int, columns: Int, bytes buffer: UnsafeRawBufferPointer) throws {
        let needed = try format.byteCount(rows: rows, columns: columns)
        guard buffer.count >= needed else {
            throw QuantError.tooFewBytes(format: format, rows: rows, columns: columns, needed: needed, given: buffer.count)
        }
        self.format = format
        self.rows = rows
        self.columns = columns
        self.rowBytes = try format.rowBytes(elements: columns)
        // An empty buffer may have no base address; nothing is read from a matrix with no bytes.
        self.bytes = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
    }

    /// Row `r`'s first block.
    public func row(_ r: Int) -> UnsafeRawPointer { bytes + r * rowBytes }
}
