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
    /// Goto/BLIS blocking (`GEMMBlocking`: depth blocks from the L1 size, chunks of C from the L2 size): op(B) is
    /// packed once per call (in parallel) into nr-column panels, then chunks of C (rows × columns) are spread over
    /// `Parallel.threadCount` threads, each running the `CPU.isa` micro-kernel on its rows of op(A): read in place when
    /// A is row-major (or small and transposed), else packed into mr-row panels per depth block (see
    /// docs/kernels.md). A B used again and again (a frozen weight) can be packed once instead:
    /// ``PackedRightOperand`` and ``sgemm(transA:m:alpha:a:lda:packedB:beta:c:ldc:)``.
    public static func sgemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        sgemm(kernel: .current, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
              b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// `sgemm` with `kernel`'s tile and blocking (tests pass kernels blocked for other caches).
    static func sgemm(kernel: GEMMKernel, transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                      a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        guard k > 0, alpha != 0 else {
            scale(c, rows: m, cols: n, ldc: ldc, by: beta)
            return
        }
        let parallel = m * n * k >= 1 << 18
        let layout = PackedOperandLayout(kernel: kernel, k: k, n: n)
        let packedBBuffer = KernelThreadState.current.packedB
        for (jc, ncb) in layout.columnBlocks {
            let packedB = packedBBuffer.floats(layout.floats(columns: ncb))
            packColumnBlock(layout, transB: transB, b: b, ldb: ldb, jc: jc, columns: ncb, into: packedB, parallel: parallel)
            multiplyColumnBlock(kernel, layout, transA: transA, m: m, alpha: alpha, a: a, lda: lda, packedB: packedB,
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

    /// C[m × columns] = alpha · op(A) · packedB + beta · C for one column block packed as `layout` says: chunks of C
    /// (`GEMMBlocking.plan`) spread over the threads, each walking the depth blocks; op(A) read in place when
    /// row-major, or transposed but small (`GEMMBlocking.inPlaceTransposedBytes`), else packed per depth block.
    static func multiplyColumnBlock(_ kernel: GEMMKernel, _ layout: PackedOperandLayout, transA: Bool, m: Int,
                                    alpha: Float, a: UnsafePointer<Float>, lda: Int, packedB: UnsafePointer<Float>,
                                    columns ncb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
                                    parallel: Bool) {
        let (mr, nr, kc, k) = (kernel.mr, kernel.nr, layout.kc, layout.k)
        let paddedCols = (ncb + nr - 1) / nr * nr
        let plan = kernel.blocking.plan(m: m, panels: paddedCols / nr, kc: kc,
                                        wantedChunks: parallel ? 4 * Parallel.threadCount : 1)
        // op(A)ᵀ is read in place (six consecutive floats per depth step, rows lda apart) when the cache lines one
        // depth block touches fit in half of L1; otherwise each depth step would land on a new line, 4 KiB apart
        // for the usual widths, and it is packed.
        let lineFloats = 16, lines = (min(plan.rows, m) + lineFloats - 1) / lineFloats
        let packA = transA && kc * lines * lineFloats * MemoryLayout<Float>.stride > kernel.blocking.inPlaceTransposedBytes
        run(chunks: plan.rowBlocks * plan.pieces, parallel: parallel) { index in
            // Column-piece order: consecutive chunks read the same B piece.
            let i0 = index % plan.rowBlocks * plan.rows
            let firstCol = index / plan.rowBlocks * plan.panels * nr
            let mcb = min(plan.rows, m - i0), cols = min(plan.panels * nr, ncb - firstCol)
            let packedA = packA ? KernelThreadState.current.packedA.floats((mcb + mr - 1) / mr * mr * kc) : nil
            var pc = 0
            while pc < k {
                let kcb = min(kc, k - pc)
                let blockB = packedB + pc * paddedCols + firstCol * kcb
                let blockC = c + i0 * ldc + firstCol
                let chunkBeta = pc == 0 ? beta : 1
                if let packedA {
                    GEMMPacking.packPanels(a + i0 + pc * lda, depthStride: lda, laneStride: 1, depth: kcb,
                                           lanes: mcb, width: mr, into: packedA)
                    kernel.macroKernel(mcb, cols, kcb, packedA, 1, mr, blockB, blockC, ldc, alpha, chunkBeta)
                } else if transA {
                    kernel.macroKernel(mcb, cols, kcb, a + i0 + pc * lda, 1, lda, blockB, blockC, ldc, alpha, chunkBeta)
                } else {
                    kernel.macroKernel(mcb, cols, kcb, a + i0 * lda + pc, lda, 1, blockB, blockC, ldc, alpha, chunkBeta)
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
