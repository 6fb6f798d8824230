extension Kernels {
    /// Below this many rows of x the forward of a block-quantized matrix decodes each block into registers and
    /// takes dot products with up to four rows of x (`ISAQuant.linear`); from it on, panels of W are dequantized
    /// and multiplied by the SGEMM kernel. Not tuned on a quiet machine yet (docs/kernels.md). Layers computing in
    /// bf16 keep the fp32 paths below `QuantizedLinear.bf16PanelMinimumRows` rows (LorafModels).
    public static let directQuantRowLimit = 8
    /// Floats of W dequantized at a time on the SGEMM path (512 KiB, about L2's size; the input gradient's panels are
    /// rounded up to whole depth blocks).
    static let quantPanelFloats = 1 << 17

    /// y[m × n] = x[m × k] · Wᵀ, or y += x · Wᵀ when `accumulate`, for W = `weight` [n × k] kept in its blocks
    /// (a linear layer without bias: y[i, r] = Σ_p x[i, p] · W[r, p]).
    ///
    /// x and y are row-major and contiguous (strides k and n floats). The result is dequantize + `sgemm` up to
    /// float rounding (relative error ~1e-6): the direct path factors each block of the 32-element formats as
    /// d·Σ q·x + (m − zeroPoint·d)·Σ x (docs/kernels.md), the other paths use W's exact dequantized values and
    /// only sum in another order.
    /// m < 8 with a block-quantized format streams the blocks once per four rows of x, split by rows of W over
    /// `Parallel.threadCount` threads; otherwise W is cut into panels of whole rows (about 512 KiB of floats, at
    /// least two per thread), and each thread dequantizes its panels and multiplies them with `sgemm`. F32 weights
    /// at a 4-byte aligned address go to `sgemm` directly.
    /// `activations: .int8` rounds x to int8 blocks first where `hasInt8Kernel(weight.format)` and m < 8
    /// (`ActivationPrecision.int8`: approximate, for decoding only); otherwise it is ignored.
    /// With m == 0 or n == 0 nothing happens; with k == 0, y is zeroed (kept when `accumulate`).
    public static func quantizedLinear(_ x: UnsafePointer<Float>, m: Int, weight: QuantizedMatrix,
                                       into y: UnsafeMutablePointer<Float>, accumulate: Bool,
                                       activations: ActivationPrecision = .float) {
        let (n, k) = (weight.rows, weight.columns)
        guard m > 0, n > 0 else { return }
        if activations == .int8, int8Linear(x, m: m, weight: weight, into: y, accumulate: accumulate) { return }
        if weight.format.isBlockQuantized && m < directQuantRowLimit && k > 0 {
            let set = quant, typeID = weight.format.rawValue
            splitDirectRows(m: m, n: n, k: k) { rows in
                set.linear(typeID: typeID, x: x, m: m, k: k, weights: weight.bytes, rowBytes: weight.rowBytes,
                           rows: rows, y: y, ldy: n, accumulate: accumulate)
            }
            return
        }
        if let floats = alignedFloats(weight) {
            sgemm(transA: false, transB: true, m: m, n: n, k: k, alpha: 1, a: x, lda: k, b: floats, ldb: k,
                  beta: accumulate ? 1 : 0, c: y, ldc: n)
            return
        }
        // Panels write disjoint columns of y: each thread dequantizes and multiplies its own (nested sgemm runs serially).
        let rowsPerPanel = panelRows(weight, multiple: GEMMKernel.current.nr, spread: true)
        run(chunks: (n + rowsPerPanel - 1) / rowsPerPanel, parallel: m * n * k >= 1 << 18) { panel in
            let rows = panel * rowsPerPanel..<min(n, (panel + 1) * rowsPerPanel)
            let buffer = KernelThreadState.current.dequantized.floats(rows.count * k)
            dequantize(weight, rows: rows, into: buffer)
            sgemm(transA: false, transB: true, m: m, n: rows.count, k: k, alpha: 1, a: x, lda: k, b: buffer, ldb: k,
                  beta: accumulate ? 1 : 0, c: y + rows.lowerBound, ldc: n)
        }
    }

    /// Runs `body` over the rows 0..<n of W on the direct (small-m) paths: serially for tiny products, else split
    /// over the threads in multiples of the 4-row tile, one chunk per thread for small matrices (each chunk costs
    /// a lock round), about four per thread for large ones (load balance).
    static func splitDirectRows(m: Int, n: Int, k: Int, _ body: (Range<Int>) -> Void) {
        let chunks = Parallel.threadCount * (n * k < 1 << 20 ? 1 : 4)
        let grain = max(4, (n + chunks - 1) / chunks + 3) / 4 * 4
        if n * k * m < 1 << 15 { body(0..<n) } else { Parallel.forEach(count: n, grain: grain, body) }
    }

    /// dx[m × k] = dy[m × n] · W, or dx += dy · W when `accumulate`, for W = `weight` [n × k] kept in its blocks
    /// (the input gradient of `quantizedLinear`: dx[i, p] = Σ_r dy[i, r] · W[r, p]).
    ///
    /// dy and dx are row-major and contiguous (strides n and k). Panels of W (about 512 KiB of floats, whole rows, rounded
    /// up to whole SGEMM depth blocks) are dequantized in parallel straight into the SGEMM's packed layout and multiplied, accumulating over the
    /// panels; W's values are exactly the dequantized ones, and the result is `sgemm`'s on the dequantized W bit for bit
    /// (the panels are whole kc blocks deep). With m == 0 or k == 0 nothing happens; with n == 0, dx is zeroed (kept when
    /// `accumulate`).
    public static func quantizedLinearInputGradient(_ dy: UnsafePointer<Float>, m: Int, weight: QuantizedMatrix,
                                                    into dx: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let (n, k) = (weight.rows, weight.columns)
        guard m > 0, k > 0 else { return }
        guard n > 0 else {
            if !accumulate { dx.update(repeating: 0, count: m * k) }
            return
        }
        if let floats = alignedFloats(weight) {
            sgemm(transA: false, transB: false, m: m, n: k, k: n, alpha: 1, a: dy, lda: n, b: floats, ldb: k,
                  beta: accumulate ? 1 : 0, c: dx, ldc: k)
            return
        }
        // Panels are depth blocks of one product, so they run one after the other, each spread over the threads.
        // Each is dequantized straight into the SGEMM's packed layout of op(B) = W[rows, :] (no row-major copy) and
        // is whole kc blocks deep, so the sums run in the order of one sgemm over all of W.
        let kernel = GEMMKernel.current, kc = kernel.blocking.depthBlock(k: n)
        let rowsPerPanel = panelRows(weight, multiple: kc, spread: false)
        for start in stride(from: 0, to: n, by: rowsPerPanel) {
            let rows = start..<min(n, start + rowsPerPanel)
            let layout = PackedOperandLayout(kernel: kernel, k: rows.count, n: k, kc: kc)
            for (jc, columns) in layout.columnBlocks {
                let packed = KernelThreadState.current.packedB.floats(layout.floats(columns: columns))
                dequantizePacked(weight, rows: rows, layout: layout, jc: jc, columns: columns, into: packed)
                multiplyColumnBlock(kernel, layout, transA: false, m: m, alpha: 1, a: dy + start, lda: n,
                                    packedB: packed, columns: columns, beta: accumulate || start > 0 ? 1 : 0,
                                    c: dx + jc, ldc: k, parallel: m * k * rows.count >= 1 << 18)
            }
        }
    }

    /// Rows `rows` of W dequantized straight into the packed column block at `jc` of `layout` (op(B) = W[rows, :]:
    /// depth = the rows, lanes = W's columns), as `packColumnBlock` would pack their dequantized copy: each row is
    /// dequantized once into the thread's row buffer and its nr-column runs copied to their panels. Spread over the
    /// threads by rows.
    static func dequantizePacked(_ weight: QuantizedMatrix, rows: Range<Int>, layout: PackedOperandLayout, jc: Int,
                                 columns: Int, into packed: UnsafeMutablePointer<Float>) {
        let (nr, kc, k) = (layout.nr, layout.kc, weight.columns)
        let paddedCols = (columns + nr - 1) / nr * nr, panels = paddedCols / nr
        let set = quant, typeID = weight.format.rawValue
        let body = { (depths: Range<Int>) in
            let row = KernelThreadState.current.dequantized.floats(k)
            for p in depths {
                set.dequantize(typeID: typeID, weight.row(rows.lowerBound + p), count: k, row)
                let pc = p / kc * kc, kcb = min(kc, rows.count - pc)
                let depthRow = packed + pc * paddedCols + (p - pc) * nr
                for panel in 0..<panels {
                    let col = jc + panel * nr, live = min(nr, jc + columns - col)
                    let to = depthRow + panel * nr * kcb
                    GEMMPacking.copyFloats(row + col, to, count: live)
                    if live < nr { (to + live).update(repeating: 0, count: nr - live) }
                }
            }
        }
        if rows.count * k < 1 << 16 { body(0..<rows.count) } else {
            Parallel.forEach(count: rows.count, grain: max(1, (1 << 14) / max(k, 1)), body)
        }
    }

    /// W's floats in place when it is F32 at a 4-byte aligned address, else nil.
    private static func alignedFloats(_ weight: QuantizedMatrix) -> UnsafePointer<Float>? {
        guard weight.format == .f32, Int(bitPattern: weight.bytes) % MemoryLayout<Float>.alignment == 0 else { return nil }
        return weight.bytes.assumingMemoryBound(to: Float.self)
    }

    /// Rows of W per dequantized panel: about `quantPanelFloats` floats, rounded up to a multiple of `multiple`, and
    /// with `spread` at most what gives every thread two panels.
    private static func panelRows(_ weight: QuantizedMatrix, multiple: Int, spread: Bool) -> Int {
        let n = weight.rows
        var rows = max(1, quantPanelFloats / max(weight.columns, 1))
        if spread { rows = min(rows, (n + 2 * Parallel.threadCount - 1) / (2 * Parallel.threadCount)) }
        return min(n, (rows + multiple - 1) / multiple * multiple)
    }
}
