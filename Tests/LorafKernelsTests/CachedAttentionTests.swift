import XCTest
@testable import LorafKernels

/// `Kernels.cachedAttention` against attention written out in Double: grouped-query heads, two sequences, a cache
/// whose capacity exceeds its length, a masked key; two new queries each (read straight from the cache) and nine
/// (through sgemm).
final class CachedAttentionTests: XCTestCase {
    func testMatchesADoubleReferenceOnEveryISAAndThreadCount() {
        check(newQueries: 2, length: 7)
        check(newQueries: 9, length: 12)
        // Decoding keys a vector's width at a time with a partial last block; head sizes whose values take the
        // four-accumulator pass (64), that pass and a remainder (72), and a partial vector (20).
        check(newQueries: 1, length: 37, headDim: 64)
        check(newQueries: 3, length: 33, headDim: 72)
        check(newQueries: 2, length: 16, headDim: 20)
    }

    private func check(newQueries s: Int, length t: Int, headDim d: Int = 16) {
        let (batch, heads, kvHeads, capacity) = (2, 6, 2, t + 2)
        let groups = heads / kvHeads
        var seed: UInt64 = 7
        func next() -> Float {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(seed >> 40) % 2001 - 1000) / 1000
        }
        let query = (0..<(batch * s * heads * d)).map { _ in next() }
        let keys = (0..<(batch * kvHeads * capacity * d)).map { _ in next() }
        let values = (0..<(batch * kvHeads * capacity * d)).map { _ in next() }
        // Sequence 1 does not read key slot 2; query s reads slots 0 ... t − s + s (causal over the new ones).
        var mask = [Float](repeating: 0, count: batch * s * t)
        for b in 0..<batch {
            for row in 0..<s {
                for key in 0..<t where (b == 1 && key == 2) || key > t - s + row {
                    mask[(b * s + row) * t + key] = -.greatestFiniteMagnitude
                }
            }
        }
        let scale: Float = 0.25
        var expected = [Double](repeating: 0, count: batch * s * heads * d)
        for b in 0..<batch {
            for h in 0..<heads {
                let g = h / groups, slice = (b * kvHeads + g) * capacity * d
                for i in 0..<s {
                    let q = (b * s + i) * heads * d + h * d
                    let scores = (0..<t).map { j -> Double in
                        let dot = (0..<d).reduce(0.0) { $0 + Double(query[q + $1]) * Double(keys[slice + j * d + $1]) }
                        return Double(scale) * dot + Double(mask[(b * s + i) * t + j])
                    }
                    let top = scores.max()!
                    let weights = scores.map { exp($0 - top) }, total = weights.reduce(0, +)
                    for c in 0..<d {
                        expected[q + c] = (0..<t).reduce(0.0) { $0 + weights[$1] / total * Double(values[slice + $1 * d + c]) }
                    }
                }
            }
        }
        for isa in runnableISAs {
            for threads in [1, 2] {
                withKernelSettings(threads: threads, isa: isa) {
                    var out = [Float](repeating: .nan, count: expected.count)
                    keys.withUnsafeBufferPointer { k in
                        values.withUnsafeBufferPointer { v in
                            let cache = CachedKeysValues(keys: k.baseAddress!, values: v.baseAddress!, kvHeads: kvHeads, headDim: d,
                                                         capacity: capacity, length: t)
                            Kernels.cachedAttention(query: query, batch: batch, queries: s, heads: heads, cache: cache,
                                                    mask: mask, scale: scale, into: &out)
                        }
                    }
                    let worst = zip(out, expected).map { abs(Double($0) - $1) }.max()!
                    XCTAssertLessThan(worst, 1e-5, "\(isa), \(threads) threads, \(s) queries, length \(t), head \(d)")
                }
            }
        }
    }
}
