/// The compute kernels. Matrices are row-major Float32 behind raw pointers; leading dimensions
/// (`lda`, `ldb`, `ldc`) count floats between consecutive rows as stored.
public enum Kernels {}

extension Kernels {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C (BLAS SGEMM semantics, row-major).
    ///
    /// op(A) is [m×k]: A is stored [m×k] (lda ≥ k) or, when `transA`, stored [k×m] (lda ≥ m).
    /// op(B) is [k×n]: B is stored [k×n] (ldb ≥ n) or, when `transB`, stored [n×k] (ldb ≥ k).
    /// C is [m×n] with ldc ≥ n. `beta == 0` means C is not read (it may hold NaN). Sizes ≤ 0 mean an
    /// empty matrix: nothing happens when m or n ≤ 0, and C = beta · C when k ≤ 0.
    ///
    /// Goto/BLIS blocking: op(B) is packed once per call (in parallel) into nr-column panels, then row
    /// blocks of C are spread over `Parallel.threadCount` threads, each running the `CPU.isa` micro-kernel on
    /// its rows of op(A): read in place when A is row-major, packed into mr-row panels per kc-deep block when
    /// `transA` (see docs/kernels.md). A B used again and again (a frozen weight) can be packed once instead:
    /// ``PackedRightOperand`` and ``sgemm(transA:m:alpha:a:lda:packedB:beta:c:ldc:)``.
    public static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        guard k > 0, alpha != 0 else {
            scale(c, rows: m, cols: n, ldc: ldc, by: beta)
            return
        }
        let kernel = GEMMKernel.current
        let parallel = m * n * k >= 1 << 18
        let layout = PackedOperandLayout(kernel: kernel, k: k, n: n)
        let packedBBuffer = KernelThreadState.current.packedB
        for (jc, ncb) in layout.columnBlocks {
            let packedB = packedBBuffer.floats(layout.floats(columns: ncb))
            packColumnBlock(layout, transB: transB, b: b, ldb: ldb, jc: jc, columns: ncb, into: packedB, parallel: parallel)
            multiplyColumnBlock(kernel, transA: transA, m: m, k: k, alpha: alpha, a: a, lda: lda, packedB: packedB,
                                columns: ncb, beta: beta, c: c + jc, ldc: ldc, parallel: parallel)
        }
    }

    /// Packs op(B)[0..<k, jc..<jc+columns] as `layout` places it: depth block pc occupies paddedCols·kcb floats
    /// from pc·paddedCols, each nr-column panel kcb·nr floats.
    static func packColumnBlock(_ layout: PackedOperandLayout, transB: Bool, b: UnsafePointer<Float>, ldb: Int, jc: Int,
                                columns: Int, into packedB: UnsafeMutablePointer<Float>, parallel: Bool) {
        let (nr, kc, k) = (layout.nr, layout.kc, layout.k)
        // op(B)(p, j) as a (depth stride, lane stride) pair for packPanels.
        let bStrides = transB ? (depth: 1, lane: ldb) : (depth: ldb, lane: 1)
        let paddedCols = (columns + nr - 1) / nr * nr, panels = paddedCols / nr
        let depthBlocks = (k + kc - 1) / kc
        run(chunks: depthBlocks * panels, parallel: parallel) { index in
            let pc = index / panels * kc, panel = index % panels
            let kcb = min(kc, k - pc)
            let col = jc + panel * nr
            GEMMPacking.packPanels(b + pc * bStrides.depth + col * bStrides.lane,
                                   depthStride: bStrides.depth, laneStride: bStrides.lane, depth: kcb,
                                   lanes: min(nr, jc + columns - col), width: nr,
                                   into: packedB + pc * paddedCols + panel * nr * kcb)
        }
    }

    /// C[m × columns] = alpha · op(A) · packedB + beta · C for one packed column block: row blocks of C spread over
    /// the threads (split further by columns when there are too few rows to share), op(A) read in place when
    /// row-major and packed per kc-deep block when `transA`.
    static func multiplyColumnBlock(_ kernel: GEMMKernel, transA: Bool, m: Int, k: Int, alpha: Float,
                                    a: UnsafePointer<Float>, lda: Int, packedB: UnsafePointer<Float>, columns ncb: Int,
                                    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, parallel: Bool) {
        let (mr, nr, kc, mc) = (kernel.mr, kernel.nr, kernel.kc, kernel.mc)
        // op(A)(i, p) as a (depth stride, lane stride) pair for packPanels.
        let aStrides = transA ? (depth: lda, lane: 1) : (depth: 1, lane: lda)
        let paddedCols = (ncb + nr - 1) / nr * nr, panels = paddedCols / nr
        let rowBlocks = (m + mc - 1) / mc
        let wantedChunks = parallel ? 4 * Parallel.threadCount : 1
        let columnSplits = min(panels, max(1, wantedChunks / rowBlocks))
        let panelsPerSplit = (panels + columnSplits - 1) / columnSplits
        run(chunks: rowBlocks * columnSplits, parallel: parallel) { index in
            let i0 = index / columnSplits * mc
            let firstCol = index % columnSplits * panelsPerSplit * nr
            guard firstCol < ncb else { return }
            let mcb = min(mc, m - i0), cols = min(panelsPerSplit * nr, ncb - firstCol)
            // A row-major op(A) is read in place (rows lda apart, depth contiguous): the micro-kernel's
            // broadcasts need no packed copy. A transposed one is packed per kc-deep block.
            let packedA = transA ? KernelThreadState.current.packedA.floats((mcb + mr - 1) / mr * mr * kc) : nil
            var pc = 0
            while pc < k {
                let kcb = min(kc, k - pc)
                let blockB = packedB + pc * paddedCols + firstCol * kcb
                let blockC = c + i0 * ldc + firstCol
                if let packedA {
                    GEMMPacking.packPanels(a + i0 * aStrides.lane + pc * aStrides.depth,
                                           depthStride: aStrides.depth, laneStride: aStrides.lane, depth: kcb,
                                           lanes: mcb, width: mr, into: packedA)
                    kernel.macroKernel(mcb, cols, kcb, packedA, 1, mr, blockB, blockC, ldc, alpha, pc == 0 ? beta : 1)
                } else {
                    kernel.macroKernel(mcb, cols, kcb, a + i0 * lda + pc, lda, 1, blockB, blockC, ldc, alpha,
                                       pc == 0 ? beta : 1)
                }
                pc += kc
            }
        }
    }

    /// `batch` independent sgemms with the same shapes: matrix i of A, B and C starts at
    /// a + i·strideA, b + i·strideB, c + i·strideC (strides in floats). Parameters otherwise as `sgemm`.
    /// The batch is spread over `Parallel.threadCount` threads, each product running single-threaded.
    public static func sgemmBatched(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                    a: UnsafePointer<Float>, lda: Int, strideA: Int,
                                    b: UnsafePointer<Float>, ldb: Int, strideB: Int,
                                    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int, batch: Int) {
        guard batch > 0 else { return }
        if batch == 1 {
            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                  beta: beta, c: c, ldc: ldc)
            return
        }
        run(chunks: batch, parallel: m * n * max(k, 1) * batch >= 1 << 18) { i in
            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                  a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb,
                  beta: beta, c: c + i * strideC, ldc: ldc)
        }
    }

    /// C = beta · C over m×n (C not read when beta == 0).
    static func scale(_ c: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ldc: Int, by beta: Float) {
        guard beta != 1 else { return }
        for i in 0..<rows {
            let row = c + i * ldc
            if beta == 0 { row.update(repeating: 0, count: cols) } else { for j in 0..<cols { row[j] *= beta } }
        }
    }

    /// `Parallel.forEach` when `parallel`, else a plain loop (small problems are not worth waking threads).
    static func run(chunks: Int, parallel: Bool, body: (Int) -> Void) {
        if parallel { Parallel.forEach(chunks: chunks, body: body) } else { for i in 0..<chunks { body(i) } }
    }
}
