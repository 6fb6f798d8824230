extension Kernels {
    /// Below this many rows of x the forward of a block-quantized matrix decodes each block into registers and
    /// takes dot products with up to four rows of x (`ISAQuant.linear`); from it on, panels of W are dequantized
    /// and multiplied by the SGEMM kernel. Not tuned on a quiet machine yet (docs/kernels.md).
    static let directQuantRowLimit = 8
    /// Floats of W dequantized at a time on the SGEMM path (4 MiB).
    static let quantPanelFloats = 1 << 20

    /// y[m × n] = x[m × k] · Wᵀ, or y += x · Wᵀ when `accumulate`, for W = `weight` [n × k] kept in its blocks
    /// (a linear layer without bias: y[i, r] = Σ_p x[i, p] · W[r, p]).
    ///
    /// x and y are row-major and contiguous (strides k and n floats). W's values are exactly the dequantized ones
    /// (`dequantize`); only the order of the float sums differs from dequantize + `sgemm` (relative error ~1e-6).
    /// m < 8 with a block-quantized format streams the blocks once per four rows of x, split by rows of W over
    /// `Parallel.threadCount` threads; otherwise panels of W (4 MiB of floats) are dequantized in parallel and
    /// multiplied with `sgemm`. F32 weights at a 4-byte aligned address go to `sgemm` directly.
    /// With m == 0 or n == 0 nothing happens; with k == 0, y is zeroed (kept when `accumulate`).
    public static func quantizedLinear(_ x: UnsafePointer<Float>, m: Int, weight: QuantizedMatrix,
                                       into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let (n, k) = (weight.rows, weight.columns)
        guard m > 0, n > 0 else { return }
        if weight.format.isBlockQuantized && m < directQuantRowLimit && k > 0 {
            let set = quant, typeID = weight.format.rawValue
            let body = { (rows: Range<Int>) in
                set.linear(typeID: typeID, x: x, m: m, k: k, weights: weight.bytes, rowBytes: weight.rowBytes,
                           rows: rows, y: y, ldy: n, accumulate: accumulate)
            }
            // About 4 chunks per thread, each a multiple of the 4-row tile.
            let grain = max(4, (n / (4 * Parallel.threadCount) + 3) / 4 * 4)
            if n * k * m < 1 << 15 { body(0..<n) } else { forEachRange(count: n, grain: grain, body) }
            return
        }
        forEachPanel(of: weight) { panel, rows in
            sgemm(transA: false, transB: true, m: m, n: rows.count, k: k, alpha: 1, a: x, lda: k, b: panel, ldb: k,
                  beta: accumulate ? 1 : 0, c: y + rows.lowerBound, ldc: n)
        }
    }

    /// dx[m × k] = dy[m × n] · W, or dx += dy · W when `accumulate`, for W = `weight` [n × k] kept in its blocks
    /// (the input gradient of `quantizedLinear`: dx[i, p] = Σ_r dy[i, r] · W[r, p]).
    ///
    /// dy and dx are row-major and contiguous (strides n and k). Panels of W (4 MiB of floats, whole rows) are
    /// dequantized in parallel and multiplied with `sgemm`, accumulating over the panels; W's values are exactly
    /// the dequantized ones. With m == 0 or k == 0 nothing happens; with n == 0, dx is zeroed (kept when
    /// `accumulate`).
    public static func quantizedLinearInputGradient(_ dy: UnsafePointer<Float>, m: Int, weight: QuantizedMatrix,
                                                    into dx: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let (n, k) = (weight.rows, weight.columns)
        guard m > 0, k > 0 else { return }
        guard n > 0 else {
            if !accumulate { dx.update(repeating: 0, count: m * k) }
            return
        }
        forEachPanel(of: weight) { panel, rows in
            sgemm(transA: false, transB: false, m: m, n: k, k: rows.count, alpha: 1, a: dy + rows.lowerBound, lda: n,
                  b: panel, ldb: k, beta: accumulate || rows.lowerBound > 0 ? 1 : 0, c: dx, ldc: k)
        }
    }

    /// Calls `body(panel, rows)` for consecutive row ranges of `weight` covering all its rows, `panel` holding
    /// those rows as floats, row-major [rows.count × columns]: F32 weights at an aligned address in place (one
    /// call), else dequantized into the calling thread's buffer, at most `quantPanelFloats` floats at a time.
    private static func forEachPanel(of weight: QuantizedMatrix, _ body: (UnsafePointer<Float>, Range<Int>) -> Void) {
        let (n, k) = (weight.rows, weight.columns)
        if weight.format == .f32 && Int(bitPattern: weight.bytes) % MemoryLayout<Float>.alignment == 0 {
            body(weight.bytes.assumingMemoryBound(to: Float.self), 0..<n)
            return
        }
        let rowsPerPanel = min(n, max(1, quantPanelFloats / max(k, 1)))
        let buffer = KernelThreadState.current.dequantized.floats(rowsPerPanel * max(k, 1))
        for start in stride(from: 0, to: n, by: rowsPerPanel) {
            let rows = start..<min(n, start + rowsPerPanel)
            dequantize(weight, rows: rows, into: buffer)
            body(buffer, rows)
        }
    }
}
