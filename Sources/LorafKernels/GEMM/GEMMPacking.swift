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
            // (4 KiB for the usual widths, all in one L1 set). The run `prefetchAhead` steps on is prefetched: runs `depthStride` apart start a new page each (a
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
        // Depth is contiguous: 8×8 blocks transposed in registers, then each remaining lane's run written with
        // stride `width`.
        var panelStart = 0, panel = destination
        while panelStart < lanes {
            let live = min(width, lanes - panelStart)
            let origin = source + panelStart * laneStride
            let transposed = depthStride == 1 && width >= 8 ? live / 8 * 8 : 0
            for l in stride(from: 0, to: transposed, by: 8) {
                transposeLanes(origin + l * laneStride, laneStride: laneStride, depth: depth, width: width, into: panel + l)
            }
            for l in transposed..<live {
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

    /// Eight lanes of a depth-contiguous slice (lane l's run at `source + l·laneStride`) written depth-major with
    /// row stride `width`: each 8×8 block is loaded as eight vectors and transposed in registers (three rounds of
    /// even/odd interleaving, 48 shuffles), the depth remainder element by element. Values are copied exactly.
    @inline(__always)
    static func transposeLanes(_ source: UnsafePointer<Float>, laneStride: Int, depth: Int, width: Int,
                               into destination: UnsafeMutablePointer<Float>) {
        typealias Row = SIMD8<Float>
        func load(_ lane: Int, _ p: Int) -> Row {
            UnsafeRawPointer(source + (lane &* laneStride &+ p)).loadUnaligned(as: Row.self)
        }
        func unzip(_ a: Row, _ b: Row) -> (even: Row, odd: Row) {
            (Row(lowHalf: a.evenHalf, highHalf: b.evenHalf), Row(lowHalf: a.oddHalf, highHalf: b.oddHalf))
        }
        var p = 0
        while p &+ 8 <= depth {
            var r = (load(0, p), load(1, p), load(2, p), load(3, p), load(4, p), load(5, p), load(6, p), load(7, p))
            // Each round rotates the (lane, depth) index bits by one: after three, lane and depth have swapped.
            for _ in 0..<3 {
                let (a, e) = unzip(r.0, r.1), (b, f) = unzip(r.2, r.3)
                let (c, g) = unzip(r.4, r.5), (d, h) = unzip(r.6, r.7)
                r = (a, b, c, d, e, f, g, h)
            }
            let to = UnsafeMutableRawPointer(destination + p &* width), rowBytes = width &* MemoryLayout<Float>.stride
            to.storeBytes(of: r.0, as: Row.self)
            (to + rowBytes).storeBytes(of: r.1, as: Row.self)
            (to + 2 &* rowBytes).storeBytes(of: r.2, as: Row.self)
            (to + 3 &* rowBytes).storeBytes(of: r.3, as: Row.self)
            (to + 4 &* rowBytes).storeBytes(of: r.4, as: Row.self)
            (to + 5 &* rowBytes).storeBytes(of: r.5, as: Row.self)
            (to + 6 &* rowBytes).storeBytes(of: r.6, as: Row.self)
            (to + 7 &* rowBytes).storeBytes(of: r.7, as: Row.self)
            p &+= 8
        }
        for lane in 0..<8 {
            for q in p..<depth { destination[q &* width &+ lane] = source[lane &* laneStride &+ q] }
        }
    }

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
