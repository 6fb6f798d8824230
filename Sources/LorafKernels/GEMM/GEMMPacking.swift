import CKernelSupport

/// Packing of SGEMM operands into the panel layout the micro-kernels read.
enum GEMMPacking {
    /// Packs a `depth`×`lanes` slice of a strided matrix into ⌈lanes/width⌉ panels, each [depth][width]
    /// (depth-major, `width` consecutive lanes per step), zero-filling the lanes past `lanes` in the last panel.
    ///
    /// Element (p, l) of the slice is `source[p·depthStride + l·laneStride]`. A panel of op(A) rows uses
    /// lanes = rows of C; a panel of op(B) columns uses lanes = columns of C; the transpose flags only change
    /// the two strides. `destination` must hold ⌈lanes/width⌉·width·depth floats.
    static func packPanels(_ source: UnsafePointer<Float>, depthStride: Int, laneStride: Int,
                           depth: Int, lanes: Int, width: Int, into destination: UnsafeMutablePointer<Float>) {
        let panelFloats = width * depth
        if laneStride == 1 {
            // Lanes are contiguous in memory: each depth step's run of lanes is read once, in order, and copied into
            // every panel (one short copy per panel in registers: a memmove call per 6 or 32 floats cost more than
            // the copy). Walking panel by panel instead re-read each line once per panel, lines `depthStride` apart
            // (4 KiB for the usual widths, all in one L1 set).
            // The run `prefetchAhead` steps on is prefetched: runs `depthStride` apart start a new page each (a
            // transposed A, 8 KiB rows), where the hardware prefetcher does not follow.
            let prefetchBytes = lanes * MemoryLayout<Float>.stride
            for p in 0..<depth {
                let row = source + p * depthStride
                if p + prefetchAhead < depth { loraf_prefetch(row + prefetchAhead * depthStride, prefetchBytes) }
                var panelStart = 0, to = destination + p * width
                while panelStart < lanes {
                    let live = min(width, lanes - panelStart)
                    copyFloats(row + panelStart, to, count: live)
                    if live < width { (to + live).update(repeating: 0, count: width - live) }
                    panelStart += width
                    to += panelFloats
                }
            }
            return
        }
        // Depth is contiguous: read each lane's run, write it with stride `width`.
        var panelStart = 0, panel = destination
        while panelStart < lanes {
            let live = min(width, lanes - panelStart)
            let origin = source + panelStart * laneStride
            for l in 0..<live {
                let from = origin + l * laneStride
                var to = panel + l
                for p in 0..<depth {
                    to.pointee = from[p * depthStride]
                    to += width
                }
            }
            if live < width {
                for p in 0..<depth { (panel + p * width + live).update(repeating: 0, count: width - live) }
            }
            panelStart += width
            panel += panelFloats
        }
    }

    /// Depth steps ahead of the copy that `packPanels` prefetches a run of contiguous lanes (8: rough timing of the
    /// transposed-A packing on a loaded Zen 4, 2026-12-03; 0 is 15% slower on k = 1536).
    static let prefetchAhead = 8

    /// Copies `count` floats (a panel row: a few to a few dozen) with vector moves.
    @inline(__always)
    static func copyFloats(_ from: UnsafePointer<Float>, _ to: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            UnsafeMutableRawPointer(to + i).storeBytes(of: UnsafeRawPointer(from + i).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
            i += 16
        }
        while i + 4 <= count {
            UnsafeMutableRawPointer(to + i).storeBytes(of: UnsafeRawPointer(from + i).loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
            i += 4
        }
        while i < count {
            to[i] = from[i]
            i += 1
        }
    }
}
