import LorafKernels

/// A frozen weight matrix W [rows, columns] kept in ggml blocks (Q4_0, Q4_1, Q8_0, Q4_K, Q6_K, ... or F16/BF16),
/// as a GGUF file stores it: the model computes with the blocks and never holds a Float32 copy, so a 4-bit model
/// takes about its file size in memory. The blocks are either read in place from memory an owner keeps alive (a
/// mapped GGUF file) or copied (rows optionally reordered on the way in).
public final class QuantizedWeight {
    public let format: QuantFormat
    /// Rows (output features) and columns (input features, a whole number of blocks).
    public let rows: Int
    public let columns: Int
    /// The copied blocks (nil when borrowed), and what keeps borrowed bytes alive.
    private let buffer: UnsafeMutableRawBufferPointer?
    private let owner: AnyObject?
    /// The blocks as the kernels read them; valid while this object lives.
    public let matrix: QuantizedMatrix

    /// Copies `rows` rows of blocks from `bytes`; with `rowOrder`, row r of the weight is row `rowOrder[r]` of
    /// `bytes` (how a loader undoes a row permutation without dequantizing).
    /// - Throws: `QuantError` when `bytes` is too short for the shape or `columns` is not a whole number of blocks;
    ///   `TensorError.invalidArgument` for a `rowOrder` that is not a permutation of 0..<rows.
    public init(format: QuantFormat, rows: Int, columns: Int, copying bytes: UnsafeRawBufferPointer, rowOrder: [Int]? = nil) throws {
        let source = try QuantizedMatrix(format: format, rows: rows, columns: columns, bytes: bytes)
        if let rowOrder, rowOrder.count != rows || Set(rowOrder) != Set(0..<rows) {
            throw TensorError.invalidArgument(op: "QuantizedWeight", message: "the row order is not a permutation of 0..<\(rows)")
        }
        self.format = format
        self.rows = rows
        self.columns = columns
        let rowBytes = source.rowBytes
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(rows * rowBytes, 1), alignment: 64)
        for r in 0..<rows {
            (copy.baseAddress! + r * rowBytes).copyMemory(from: source.row(rowOrder?[r] ?? r), byteCount: rowBytes)
        }
        buffer = copy
        owner = nil
        matrix = try QuantizedMatrix(format: format, rows: rows, columns: columns,
                                     bytes: UnsafeRawBufferPointer(start: copy.baseAddress, count: rows * rowBytes))
    }

    /// Reads the blocks in place: `bytes` must stay valid and unchanged while `owner` lives (it is retained).
    /// - Throws: `QuantError` when `bytes` is too short for the shape or `columns` is not a whole number of blocks.
    public init(format: QuantFormat, rows: Int, columns: Int, borrowing bytes: UnsafeRawBufferPointer, owner: AnyObject) throws {
        matrix = try QuantizedMatrix(format: format, rows: rows, columns: columns, bytes: bytes)
        self.format = format
        self.rows = rows
        self.columns = columns
        buffer = nil
        self.owner = owner
    }

    deinit { buffer?.deallocate() }

    /// The weight in bf16 panels for `compute_dtype = "bf16"` passes, packed at the first call and kept (4 bytes per
    /// weight; a tied output layer and embedding share one).
    public func bf16Panels() -> BF16LinearWeight {
        if let packed = bf16 { return packed }
        let packed = BF16LinearWeight(quantized: self)
        bf16 = packed
        return packed
    }

    private var bf16: BF16LinearWeight?

    /// Bytes of bf16 panels held now (0 before the first ``bf16Panels()`` or after ``releaseBF16Panels()``).
    public var bf16PanelBytes: Int { bf16?.byteCount ?? 0 }
    /// Drops the bf16 panels (``bf16Panels()`` makes them again when asked).
    public func releaseBF16Panels() { bf16 = nil }

    /// Bytes held.
    public var byteCount: Int { rows * matrix.rowBytes }

    /// The whole matrix as Float32 [rows, columns], values exactly as ggml dequantizes them.
    public func dequantized() -> Tensor {
        let out = Tensor(uninitialized: [rows, columns])
        if rows > 0 { Kernels.dequantize(matrix, rows: 0..<rows, into: out.data) }
        return out
    }

    /// Rows `ids` dequantized → [ids.count, columns] (an embedding lookup). Throws naming an id outside 0..<rows.
    public func gatherRows(_ ids: [Int]) throws -> Tensor {
        if let bad = ids.firstIndex(where: { $0 < 0 || $0 >= rows }) {
            throw TensorError.invalidArgument(op: "embedding", message: "id \(ids[bad]) at flat position \(bad) is outside 0..<\(rows)")
        }
        let out = Tensor(uninitialized: [ids.count, columns])
        for (i, id) in ids.enumerated() { Kernels.dequantize(matrix, rows: id..<(id + 1), into: out.data + i * columns) }
        return out
    }
}

extension Tensor {
    /// y = x · Wᵀ + b with W kept in blocks (``QuantizedWeight``): x [..., in] → [..., out]. W is frozen: the
    /// backward gives dx = g · W (computed from the blocks) and db; never a weight gradient.
    /// `activations: .int8` lets the forward round x to int8 blocks where `Kernels.quantizedLinear` has that path
    /// (few rows, Q4_0/Q4_1/Q8_0, AVX-512 VNNI): an approximation for decoding; the backward is unchanged.
    /// - Throws: `TensorError.shapeMismatch` when x's last axis is not W's columns or b is not [out].
    public func quantizedLinear(_ weight: QuantizedWeight, bias: Tensor? = nil,
                                activations: ActivationPrecision = .float) throws -> Tensor {
        try frozenLinear(name: "quantized_linear", outFeatures: weight.rows, inFeatures: weight.columns, bias: bias,
                         forward: { x, rows, y in
                             Kernels.quantizedLinear(x, m: rows, weight: weight.matrix, into: y, accumulate: false,
                                                     activations: activations)
                         },
                         inputGradient: { g, rows, dx in
                             Kernels.quantizedLinearInputGradient(g, m: rows, weight: weight.matrix, into: dx, accumulate: false)
                         })
    }
}
