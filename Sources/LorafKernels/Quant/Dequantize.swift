extension Kernels {
    /// Dequantizes `count` elements stored from `blocks` in `format` into `output[0..<count]`, with the float
    /// operations of ggml's `dequantize_row_*` (ggml-quants.c), so the values equal ggml's and the Python `gguf`
    /// package's bitwise (docs/kernels.md). SIMD for `CPU.isa`, serial.
    ///
    /// Preconditions: `count` is a multiple of `format.blockElements` (trapped), `blocks` holds
    /// `count / blockElements` blocks and `output` holds `count` floats (unchecked, like `sgemm`'s buffers).
    /// `dequantize(_:_:count:)` checks them all and throws instead.
    public static func dequantize(_ format: QuantFormat, from blocks: UnsafeRawPointer, count: Int,
                                  into output: UnsafeMutablePointer<Float>) {
        precondition(count % format.blockElements == 0, "\(format): \(count) elements are not whole blocks")
        guard count > 0 else { return }
        quant.dequantize(typeID: format.rawValue, blocks, count: count, output)
    }

    /// The `count` elements stored in `bytes` in `format`, dequantized (see `dequantize(_:from:count:into:)`).
    /// - Throws: `QuantError.partialBlock` when `count` is not a whole number of blocks, `.badSize` for a negative
    ///   count, `.tooFewBytes` when `bytes` is shorter than the blocks.
    public static func dequantize(_ format: QuantFormat, _ bytes: UnsafeRawBufferPointer, count: Int) throws -> [Float] {
        let needed = try format.rowBytes(elements: count)
        guard bytes.count >= needed else {
            throw QuantError.tooFewBytes(format: format, rows: 1, columns: count, needed: needed, given: bytes.count)
        }
        guard count > 0, let base = bytes.baseAddress else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            dequantize(format, from: base, count: count, into: buffer.baseAddress!)
            initialized = count
        }
    }

    /// Rows `rows` of `matrix` dequantized into `output`, row-major [rows.count × matrix.columns], spread over
    /// `Parallel.threadCount` threads when large. Precondition: `rows` lies inside 0..<matrix.rows.
    public static func dequantize(_ matrix: QuantizedMatrix, rows: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= matrix.rows, "rows \(rows) outside 0..<\(matrix.rows)")
        let k = matrix.columns, set = quant, typeID = matrix.format.rawValue
        let body = { (range: Range<Int>) in
            for r in range {
                set.dequantize(typeID: typeID, matrix.row(r), count: k, output + (r - rows.lowerBound) * k)
            }
        }
        if rows.count * k < 1 << 16 { body(rows) } else {
            Parallel.forEach(count: rows.count, grain: max(1, (1 << 15) / max(k, 1))) { chunk in
                body((rows.lowerBound + chunk.lowerBound)..<(rows.lowerBound + chunk.upperBound))
            }
        }
    }
}
