/// Where one layer's cached keys and values lie: two buffers [B, kvHeads, capacity, d] (row-major), of which slots
/// 0 ..< `length` hold keys and values. Used by ``Kernels/cachedAttention(query:batch:queries:heads:cache:mask:scale:into:)``.
public struct CachedKeysValues {
    public let keys: UnsafePointer<Float>
    public let values: UnsafePointer<Float>
    public let kvHeads: Int
    /// Features per head, d.
    public let headDim: Int
    /// Slots per (sequence, key/value head) in the buffers.
    public let capacity: Int
    /// Filled slots, T ≤ capacity.
    public let length: Int

    public init(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, kvHeads: Int, headDim: Int, capacity: Int, length: Int) {
        self.keys = keys
        self.values = values
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.capacity = capacity
        self.length = length
    }
}

extension Kernels {
    /// From this many new queries per sequence on, cached attention multiplies with `sgemm` (which packs the keys
    /// and values); below it, each query reads the cache rows directly.
    static let sgemmQueryRows = 8

    /// Scaled dot-product attention of S new queries per sequence over the T cached keys and values (generation
    /// with a key/value cache; inference only: no dropout, no backward), reading heads in place:
    ///
    ///     out_h = softmax(scale · q_h K_gᵀ + mask) V_g      (g = h / (heads / kvHeads), grouped-query attention)
    ///
    /// Layouts: `query` and `out` [B·S, heads·d] row-major (row b·S + s); the cache as ``CachedKeysValues``; `mask`
    /// additive [B, S, T], shared by every head (the decoder builds it once per pass). Units (sequence, head) run in parallel; each is, for a few queries (decoding),
    /// dot products straight from the cache rows, else two `sgemm` calls and a softmax over T keys. The result does
    /// not depend on the thread count. Preconditions (``LorafTensor``'s `Tensor.cachedAttention` checks them):
    /// `heads` a positive multiple of `cache.kvHeads`, `cache.length` ≤ `cache.capacity`, buffers of those sizes.
    public static func cachedAttention(query: UnsafePointer<Float>, batch: Int, queries s: Int, heads: Int,
                                       cache: CachedKeysValues, mask: UnsafePointer<Float>, scale: Float,
                                       into out: UnsafeMutablePointer<Float>) {
        let d = cache.headDim, t = cache.length, groups = heads / cache.kvHeads, width = heads * d
        guard batch > 0, s > 0, t > 0 else { return }
        let set = fused
        Parallel.forEach(chunks: batch * heads) { unit in
            let b = unit / heads, h = unit % heads, g = h / groups
            let slice = (b * cache.kvHeads + g) * cache.capacity * d
            let (keys, values) = (cache.keys + slice, cache.values + slice)
            let queries = query + b * s * width + h * d, outputs = out + b * s * width + h * d
            let rows = mask + b * s * t
            let scores = KernelThreadState.current.attentionScratch.floats(s * t)
            guard s >= sgemmQueryRows else {
                // A few queries (decoding): dot products straight from the cache rows.
                for i in 0..<s {
                    set.attendOneQuery(q: queries + i * width, keys: keys, values: values, length: t, headDim: d, scale: scale,
                                       mask: rows + i * t, scores: scores, out: outputs + i * width)
                }
                return
            }
            sgemm(transA: false, transB: true, m: s, n: t, k: d, alpha: scale, a: queries, lda: width,
                  b: keys, ldb: d, beta: 0, c: scores, ldc: t)
            for i in 0..<(s * t) { scores[i] += rows[i] }
            set.softmaxRows(scores, scores, rows: 0..<s, cols: t)
            sgemm(transA: false, transB: false, m: s, n: d, k: t, alpha: 1, a: scores, lda: t,
                  b: values, ldb: d, beta: 0, c: outputs, ldc: width)
        }
    }
}
