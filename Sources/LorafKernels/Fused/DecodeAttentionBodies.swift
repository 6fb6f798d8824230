// The serial body of attention over a key/value cache for one query, shared per ISA like FusedBodies.swift (linked
// into LorafKernelsAVX2 and LorafKernelsAVX512); Attention/CachedAttention.swift splits the work and picks the ISA.

extension ISAFused {
    /// One query's attention over `length` cached keys and values, rows of `headDim` floats `headDim` apart:
    /// out = Σ_j p_j v_j with p = softmax(scale · q·k_j + mask[j]). `scores` is scratch of `length` floats.
    ///
    /// Scores are computed a vector's width of keys at a time: one product vector per key, then all of them summed
    /// across their lanes together by a pairwise tree (``laneSums(_:)``) instead of one serial lane sum per key.
    /// The weighted sum of values keeps four independent vector accumulators per pass over the keys.
    package static func attendOneQuery(q: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
                                       length: Int, headDim: Int, scale: Float, mask: UnsafePointer<Float>,
                                       scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let width = Lanes.scalarCount
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: width) { buffer in
            let products = buffer.baseAddress!
            var j = 0
            while j < length {
                let live = Swift.min(width, length - j)
                for key in 0..<width {
                    var sum = Lanes()
                    if key < live {
                        let row = keys + (j + key) * headDim
                        forEachLanes(count: headDim) { i, n in sum = mulAdd(loadLanes(q + i, n), loadLanes(row + i, n), sum) }
                    }
                    products[key] = sum
                }
                storeLanes(mulAdd(laneSums(products), Lanes(repeating: scale), loadLanes(mask + j, live)), scores + j, live)
                j += width
            }
        }
        softmaxRows(scores, scores, rows: 0..<1, cols: length)
        var offset = 0
        while offset + 4 * width <= headDim {
            var (s0, s1, s2, s3) = (Lanes(), Lanes(), Lanes(), Lanes())
            for j in 0..<length {
                let p = Lanes(repeating: scores[j]), row = values + j * headDim + offset
                s0 = mulAdd(p, Lanes.load(row), s0)
                s1 = mulAdd(p, Lanes.load(row + width), s1)
                s2 = mulAdd(p, Lanes.load(row + 2 * width), s2)
                s3 = mulAdd(p, Lanes.load(row + 3 * width), s3)
            }
            s0.store(out + offset); s1.store(out + offset + width)
            s2.store(out + offset + 2 * width); s3.store(out + offset + 3 * width)
            offset += 4 * width
        }
        forEachLanes(count: headDim - offset) { i, live in
            var sum = Lanes()
            for j in 0..<length { sum = mulAdd(Lanes(repeating: scores[j]), loadLanes(values + j * headDim + offset + i, live), sum) }
            storeLanes(sum, out + offset + i, live)
        }
    }

    /// Lane k of the result is the sum of the lanes of `vectors[k]`, for k < Lanes.scalarCount (the buffer holds that
    /// many and is overwritten): log₂(width) rounds, each adding the even and the odd lanes of neighbouring pairs.
    @inline(__always)
    private static func laneSums(_ vectors: UnsafeMutablePointer<Lanes>) -> Lanes {
        var count = Lanes.scalarCount
        while count > 1 {
            for i in 0..<count / 2 {
                let (a, b) = (vectors[2 * i], vectors[2 * i + 1])
                vectors[i] = Lanes(lowHalf: a.evenHalf, highHalf: b.evenHalf) + Lanes(lowHalf: a.oddHalf, highHalf: b.oddHalf)
            }
            count /= 2
        }
        return vectors[0]
    }
}
