#if canImport(LorafKernelsBF16)
import LorafKernelsBF16
#endif

extension Kernels {
    /// Whether ``bf16gemm(m:a:lda:b:c:ldc:accumulate:)`` runs its vdpbf16ps kernel here (`CPU.hasBF16`); elsewhere
    /// it computes the same products with a slow scalar loop, so callers choose bf16 only when this holds.
    public static var hasBF16Kernel: Bool { CPU.hasBF16 }

    /// C[m×n] (+)= bf16(A)[m×k] · B, with k = `b.depth`, n = `b.columns`: A's Float32 rows rounded to bfloat16 (to
    /// nearest, ties to even: ``BF16/round(_:)``), multiplied by the packed bf16 B, products summed in Float32.
    ///
    /// A is row-major [m×k] (lda ≥ k), C row-major [m×n] (ldc ≥ n); `accumulate` false means C is written without
    /// being read. Nothing happens when m or n ≤ 0. Error against the exact product of the unrounded inputs: each
    /// factor carries a relative rounding error ≤ 2⁻⁹, so |ΔC[i,j]| ≲ 2⁻⁸ · Σ_p |A[i,p]·B[p,j]| plus Float32
    /// summation error.
    ///
    /// Scheme (docs/kernels.md, "bf16 GEMM"): A is rounded once per call into a per-thread buffer of bf16 pairs,
    /// then row blocks of C (split by column panels when rows are few) are spread over `Parallel.threadCount`
    /// threads, each running the 6×32 vdpbf16ps micro-kernel over depth blocks of 256.
    public static func bf16gemm(m: Int, a: UnsafePointer<Float>, lda: Int, b: BF16PackedMatrix,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        guard m > 0, b.columns > 0 else { return }
        #if canImport(LorafKernelsBF16)
        if hasBF16Kernel {
            bf16Blocked(m: m, a: a, lda: lda, b: b, c: c, ldc: ldc, accumulate: accumulate)
            return
        }
        #endif
        bf16gemmScalar(m: m, a: a, lda: lda, b: b, c: c, ldc: ldc, accumulate: accumulate)
    }

    /// The scalar twin of the bf16 kernel: the same rounded factors, Float32 sums in depth order.
    static func bf16gemmScalar(m: Int, a: UnsafePointer<Float>, lda: Int, b: BF16PackedMatrix,
                               c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        for i in 0..<m {
            for j in 0..<b.columns {
                var sum: Float = accumulate ? c[i * ldc + j] : 0
                for p in 0..<b.depth { sum += BF16.widen(BF16.round(a[i * lda + p])) * b.element(p, j) }
                c[i * ldc + j] = sum
            }
        }
    }

    #if canImport(LorafKernelsBF16)
    /// Depth pairs per cache block: 256 depth steps, a 32 KiB slice of one B panel.
    private static let bf16BlockPairs = 128

    private static func bf16Blocked(m: Int, a: UnsafePointer<Float>, lda: Int, b: BF16PackedMatrix,
                                    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let (mr, nr, n, pairs) = (BF16GEMM.mr, BF16GEMM.nr, b.columns, b.pairs)
        precondition(nr == BF16PackedMatrix.panelWidth, "bf16 panel width and micro-kernel width differ")
        guard pairs > 0 else {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        let parallel = m * n * b.depth >= 1 << 18
        // A rounded to bf16: row i's pairs at rounded[i·pairs...].
        let rounded = UnsafeMutableRawPointer(KernelThreadState.current.bf16Activations.floats(m * pairs))
            .bindMemory(to: UInt32.self, capacity: m * pairs)
        let rowsPerChunk = 64
        run(chunks: (m + rowsPerChunk - 1) / rowsPerChunk, parallel: parallel) { chunk in
            for i in (chunk * rowsPerChunk)..<Swift.min(m, (chunk + 1) * rowsPerChunk) {
                BF16Rounding.roundRow(a + i * lda, count: b.depth,
                                      into: UnsafeMutableRawPointer(rounded + i * pairs).assumingMemoryBound(to: UInt16.self))
            }
        }
        // Row blocks of C, split by column panels when there are too few rows to share (as `sgemm`).
        let mc = 16 * mr
        let rowBlocks = (m + mc - 1) / mc
        let columnSplits = Swift.min(b.panels, Swift.max(1, (parallel ? 4 * Parallel.threadCount : 1) / rowBlocks))
        let panelsPerSplit = (b.panels + columnSplits - 1) / columnSplits
        let panelStride = pairs * nr
        run(chunks: rowBlocks * columnSplits, parallel: parallel) { index in
            let i0 = index / columnSplits * mc
            let firstPanel = index % columnSplits * panelsPerSplit
            guard firstPanel * nr < n else { return }
            let mcb = Swift.min(mc, m - i0), cols = Swift.min(panelsPerSplit * nr, n - firstPanel * nr)
            var q = 0
            while q < pairs {
                let block = Swift.min(bf16BlockPairs, pairs - q)
                BF16GEMM.macroKernel(mc: mcb, nc: cols, pairs: block, a: rounded + i0 * pairs + q, lda: pairs,
                                     b: b.words + firstPanel * panelStride + q * nr, panelStride: panelStride,
                                     c: c + i0 * ldc + firstPanel * nr, ldc: ldc, accumulate: accumulate || q > 0)
                q += block
            }
        }
    }
    #endif
}
