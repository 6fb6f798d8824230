// The SGEMM register kernel, written once and compiled three times: this file is shared through
// symbolic links by LorafKernelsAVX2 (Vec = SIMD8<Float>, ymm + FMA3), LorafKernelsAVX512
// (Vec = SIMD16<Float>, zmm) and LorafKernels (Vec = SIMD4<Float>, the SSE2 baseline). Each module
// supplies `ISAGEMM` (the enum these members extend), `Vec` and `madd` in its own ISAVector.swift.

extension ISAGEMM {
    /// Rows of C one micro-tile covers (broadcasts of packed A per k step).
    package static let mr = 6
    /// Columns of C one micro-tile covers: two vectors.
    package static let nr = 2 * Vec.scalarCount

    /// C[mc×nc] = alpha · Ã · B̃ + beta · C over one cache block, tile by tile.
    ///
    /// - Parameters:
    ///   - a: op(A)'s block, element (i, p) at `a[i·aRowStride + p·aDepthStride]`: either ⌈mc/mr⌉ packed
    ///     panels, each [kc][mr] (aRowStride 1, aDepthStride mr, panels kc·mr apart, rows past mc zero-filled),
    ///     or a matrix read in place: row-major (aRowStride lda, aDepthStride 1) or transposed (aRowStride 1,
    ///     aDepthStride lda); rows past mc are never read.
    ///   - packedB: ⌈nc/nr⌉ panels, each [kc][nr], columns past nc zero-filled.
    ///   - c: the top-left element of the C block, row stride `ldc` (floats).
    ///   - beta: 0 means C is written without being read.
    package static func macroKernel(mc: Int, nc: Int, kc: Int,
                                    a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
                                    packedB: UnsafePointer<Float>,
                                    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float) {
        // Packed panels (aRowStride 1, aDepthStride mr) hold mr rows each, kc·mr floats apart; rows read in place
        // are aRowStride apart. (A transposed op(A) read in place with lda = mr has m ≤ mr: one panel, no stride.)
        let panelStride = aRowStride == 1 && aDepthStride == mr ? mr * kc : mr * aRowStride
        var jr = 0
        while jr < nc {
            let cols = min(nr, nc - jr)
            let panelB = packedB + jr * kc
            var ir = 0
            while ir < mc {
                let rows = min(mr, mc - ir)
                // Offsets of rows 1..<mr from row 0. Rows past the edge repeat the last row (their results are not
                // stored), so nothing past the matrix is read when it is read in place.
                let last = rows - 1
                let offsets = (min(1, last) * aRowStride, min(2, last) * aRowStride, min(3, last) * aRowStride,
                               min(4, last) * aRowStride, min(5, last) * aRowStride)
                microKernel(kc: kc, a: a + ir / mr * panelStride, aOffsets: offsets,
                            aStep: aDepthStride, b: panelB, c: c + ir * ldc + jr, ldc: ldc,
                            alpha: alpha, beta: beta, rows: rows, cols: cols)
                ir += mr
            }
            jr += nr
        }
    }

    /// One mr×nr tile: C = alpha · Σ_p a[p][·] ⊗ b[p][·] + beta · C, writing only `rows`×`cols`. Row r of A
    /// at depth p is `a[p·aStep + offset_r]` (offset_0 = 0, the others in `aOffsets`).
    @inline(__always)
    static func microKernel(kc: Int, a: UnsafePointer<Float>, aOffsets: (Int, Int, Int, Int, Int), aStep: Int,
                            b: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float,
                            rows: Int, cols: Int) {
        var c00 = Vec(), c01 = Vec(), c10 = Vec(), c11 = Vec(), c20 = Vec(), c21 = Vec()
        var c30 = Vec(), c31 = Vec(), c40 = Vec(), c41 = Vec(), c50 = Vec(), c51 = Vec()
        let vectorBytes = Vec.scalarCount * MemoryLayout<Float>.stride
        let (o1, o2, o3, o4, o5) = aOffsets
        var pa = a
        var pb = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = pb.loadUnaligned(as: Vec.self)
            let b1 = pb.loadUnaligned(fromByteOffset: vectorBytes, as: Vec.self)
            let a0 = pa[0], a1 = pa[o1], a2 = pa[o2]
            madd(&c00, a0, b0); madd(&c01, a0, b1)
            madd(&c10, a1, b0); madd(&c11, a1, b1)
            madd(&c20, a2, b0); madd(&c21, a2, b1)
            let a3 = pa[o3], a4 = pa[o4], a5 = pa[o5]
            madd(&c30, a3, b0); madd(&c31, a3, b1)
            madd(&c40, a4, b0); madd(&c41, a4, b1)
            madd(&c50, a5, b0); madd(&c51, a5, b1)
            pa += aStep
            pb += 2 * vectorBytes
        }
        if rows == mr && cols == nr {
            storeRow(c, c00, c01, alpha, beta)
            storeRow(c + ldc, c10, c11, alpha, beta)
            storeRow(c + 2 * ldc, c20, c21, alpha, beta)
            storeRow(c + 3 * ldc, c30, c31, alpha, beta)
            storeRow(c + 4 * ldc, c40, c41, alpha, beta)
            storeRow(c + 5 * ldc, c50, c51, alpha, beta)
            return
        }
        // Edge tile: spill the accumulators, then write the valid part only.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { tile in
            let t = tile.baseAddress!
            storeRow(t, c00, c01, alpha, 0)
            storeRow(t + nr, c10, c11, alpha, 0)
            storeRow(t + 2 * nr, c20, c21, alpha, 0)
            storeRow(t + 3 * nr, c30, c31, alpha, 0)
            storeRow(t + 4 * nr, c40, c41, alpha, 0)
            storeRow(t + 5 * nr, c50, c51, alpha, 0)
            for i in 0..<rows {
                let row = c + i * ldc
                for j in 0..<cols {
                    row[j] = beta == 0 ? t[i * nr + j] : t[i * nr + j] + beta * row[j]
                }
            }
        }
    }

    /// Writes alpha · (v0, v1) + beta · C to the 2·Vec.scalarCount floats at `c` (C not read when beta == 0).
    @inline(__always)
    static func storeRow(_ c: UnsafeMutablePointer<Float>, _ v0: Vec, _ v1: Vec, _ alpha: Float, _ beta: Float) {
        let raw = UnsafeMutableRawPointer(c)
        let vectorBytes = Vec.scalarCount * MemoryLayout<Float>.stride
        var r0 = v0 * alpha, r1 = v1 * alpha
        if beta != 0 {
            r0 += raw.loadUnaligned(as: Vec.self) * beta
            r1 += raw.loadUnaligned(fromByteOffset: vectorBytes, as: Vec.self) * beta
        }
        raw.storeBytes(of: r0, as: Vec.self)
        raw.storeBytes(of: r1, toByteOffset: vectorBytes, as: Vec.self)
    }
}
