// LorafKernelsBF16: the bf16 GEMM, compiled with -mavx512f -mavx512bf16 (see docs/kernels.md, "bf16 GEMM").
// Everything here is Swift SIMD on raw buffers; the one instruction Swift cannot name, vdpbf16ps, comes from
// CKernelSupport's `loraf_dpbf16`, which inlines into the loops below.
import CKernelSupport

/// The bf16 register kernel: C (+)= A · B with A and B in bfloat16 pairs and C in Float32.
///
/// Operands, both as 32-bit words each holding two bfloat16 (depth 2q in the low half, 2q + 1 in the high half):
/// - A: row-major, row i's word q = (A[i, 2q], A[i, 2q+1]) — a Float32 row rounded to bf16 and stored as is
///   (`BF16Rounding.roundRow`).
/// - B: panels of `nr` columns, each [pairs][nr] words, word (q, j) = (B[2q, j], B[2q+1, j]).
/// Per pair step: two 64-byte loads of B, six 32-bit broadcasts of A, twelve vdpbf16ps (each 32 multiply-adds).
package enum BF16GEMM {
    /// Rows of C one micro-tile covers.
    package static let mr = 6
    /// Columns of C one micro-tile covers: two zmm vectors of Float32.
    package static let nr = 32

    /// C[mc×nc] (+)= A · B over `pairs` depth pairs, tile by tile.
    ///
    /// - Parameters:
    ///   - a: row 0 of the A block at its first pair; rows `lda` words apart (rows past mc are never read).
    ///   - b: the first panel of the B block at its first pair; panels `panelStride` words apart, columns past nc
    ///     zero-filled.
    ///   - c: the top-left element of the C block, row stride `ldc` floats.
    ///   - accumulate: false writes C without reading it.
    package static func macroKernel(mc: Int, nc: Int, pairs: Int, a: UnsafePointer<UInt32>, lda: Int,
                                    b: UnsafePointer<UInt32>, panelStride: Int,
                                    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        var jr = 0
        while jr < nc {
            let cols = min(nr, nc - jr)
            let panel = b + jr / nr * panelStride
            var ir = 0
            while ir < mc {
                let rows = min(mr, mc - ir)
                // Rows past the edge repeat the last row (their results are not stored).
                let last = rows - 1
                let offsets = (min(1, last) * lda, min(2, last) * lda, min(3, last) * lda,
                               min(4, last) * lda, min(5, last) * lda)
                microKernel(pairs: pairs, a: a + ir * lda, aOffsets: offsets, b: panel, c: c + ir * ldc + jr, ldc: ldc,
                            accumulate: accumulate, rows: rows, cols: cols)
                ir += mr
            }
            jr += nr
        }
    }

    /// One mr×nr tile: C (+)= Σ_q a-pair(r, q) · b-pair(q, ·), writing only `rows`×`cols`.
    @inline(__always)
    static func microKernel(pairs: Int, a: UnsafePointer<UInt32>, aOffsets: (Int, Int, Int, Int, Int),
                            b: UnsafePointer<UInt32>, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
                            rows: Int, cols: Int) {
        typealias F = SIMD16<Float>
        typealias W = SIMD16<Int32>
        var c00 = F(), c01 = F(), c10 = F(), c11 = F(), c20 = F(), c21 = F()
        var c30 = F(), c31 = F(), c40 = F(), c41 = F(), c50 = F(), c51 = F()
        let (o1, o2, o3, o4, o5) = aOffsets
        var pa = a
        var pb = UnsafeRawPointer(b)
        for _ in 0..<pairs {
            let b0 = pb.loadUnaligned(as: W.self)
            let b1 = pb.loadUnaligned(fromByteOffset: 64, as: W.self)
            let a0 = W(repeating: Int32(bitPattern: pa[0]))
            let a1 = W(repeating: Int32(bitPattern: pa[o1]))
            let a2 = W(repeating: Int32(bitPattern: pa[o2]))
            c00 = loraf_dpbf16(c00, a0, b0); c01 = loraf_dpbf16(c01, a0, b1)
            c10 = loraf_dpbf16(c10, a1, b0); c11 = loraf_dpbf16(c11, a1, b1)
            c20 = loraf_dpbf16(c20, a2, b0); c21 = loraf_dpbf16(c21, a2, b1)
            let a3 = W(repeating: Int32(bitPattern: pa[o3]))
            let a4 = W(repeating: Int32(bitPattern: pa[o4]))
            let a5 = W(repeating: Int32(bitPattern: pa[o5]))
            c30 = loraf_dpbf16(c30, a3, b0); c31 = loraf_dpbf16(c31, a3, b1)
            c40 = loraf_dpbf16(c40, a4, b0); c41 = loraf_dpbf16(c41, a4, b1)
            c50 = loraf_dpbf16(c50, a5, b0); c51 = loraf_dpbf16(c51, a5, b1)
            pa += 1
            pb += 128
        }
        let tile = ((c00, c01), (c10, c11), (c20, c21), (c30, c31), (c40, c41), (c50, c51))
        if rows == mr && cols == nr {
            storeTile(tile, c, ldc: ldc, accumulate)
            return
        }
        // Edge tile: spill the accumulators, then write the valid part only.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { spilled in
            let t = spilled.baseAddress!
            storeTile(tile, t, ldc: nr, false)
            for i in 0..<rows {
                let row = c + i * ldc
                for j in 0..<cols { row[j] = accumulate ? row[j] + t[i * nr + j] : t[i * nr + j] }
            }
        }
    }

    /// Writes the six rows of a tile's accumulators at `c`, `ldc` floats apart (see `storeRow`).
    @inline(__always)
    static func storeTile(_ tile: ((SIMD16<Float>, SIMD16<Float>), (SIMD16<Float>, SIMD16<Float>), (SIMD16<Float>, SIMD16<Float>),
                                   (SIMD16<Float>, SIMD16<Float>), (SIMD16<Float>, SIMD16<Float>), (SIMD16<Float>, SIMD16<Float>)),
                          _ c: UnsafeMutablePointer<Float>, ldc: Int, _ accumulate: Bool) {
        storeRow(c, tile.0.0, tile.0.1, accumulate)
        storeRow(c + ldc, tile.1.0, tile.1.1, accumulate)
        storeRow(c + 2 * ldc, tile.2.0, tile.2.1, accumulate)
        storeRow(c + 3 * ldc, tile.3.0, tile.3.1, accumulate)
        storeRow(c + 4 * ldc, tile.4.0, tile.4.1, accumulate)
        storeRow(c + 5 * ldc, tile.5.0, tile.5.1, accumulate)
    }

    /// Writes (v0, v1), plus the 32 floats already at `c` when `accumulate`.
    @inline(__always)
    static func storeRow(_ c: UnsafeMutablePointer<Float>, _ v0: SIMD16<Float>, _ v1: SIMD16<Float>, _ accumulate: Bool) {
        let raw = UnsafeMutableRawPointer(c)
        var r0 = v0, r1 = v1
        if accumulate {
            r0 += raw.loadUnaligned(as: SIMD16<Float>.self)
            r1 += raw.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
        }
        raw.storeBytes(of: r0, as: SIMD16<Float>.self)
        raw.storeBytes(of: r1, toByteOffset: 64, as: SIMD16<Float>.self)
    }
}
