// The serial body of attention over a key/value cache for one query, shared per ISA like FusedBodies.swift (linked
// into LorafKernelsAVX2 and LorafKernelsAVX512); Attention/CachedAttention.swift splits the work and picks the ISA.

extension ISAFused {
    /// One query's attention over `length` cached keys and values, rows of `headDim` floats `headDim` apart:
    /// out = Σ_j p_j v_j with p = softmax(scale · q·k_j + mask[j]). `scores` is scratch of `length` floats.
    package static func attendOneQuery(q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                                       length: Int, headDim: Int, scale: Float, mask: UnsafePointer<Float>,
                                       scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        for j in 0..<length { scores[j] = scale * inlineDot(q, keys + j * headDim, headDim) + mask[j] }
        softmaxRows(scores, scores, rows: 0..<1, cols: length)
        forEachLanes(count: headDim) { offset, live in
            var sum = Lanes()
            for j in 0..<length { sum = mulAdd(Lanes(repeating: scores[j]), loadLanes(values + j * headDim + offset, live), sum) }
            storeLanes(sum, out + offset, live)
        }
    }

    /// Σ a·b over `count` floats, inlined with its lane sum (the per-key call and the standard library's `sum()`
    /// call cost as much as the products for a 64-float head).
    @inline(__always)
    private static func inlineDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var products = Lanes()
        forEachLanes(count: count) { i, live in products = mulAdd(loadLanes(a + i, live), loadLanes(b + i, live), products) }
        var sum: Float = 0
        for lane in 0..<Lanes.scalarCount { sum += products[lane] }
        return sum
    }
}
