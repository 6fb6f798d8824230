import LorafKernels

/// Fused attention over a packed batch (no padding, heads read in place).
extension Tensor {
    /// Scaled dot-product attention per sequence and head of a packed batch, with optional dropout on the
    /// probabilities: out_h = dropout(softmax(scale · Q_h K_gᵀ + mask)) V_g, g = h / (heads / kvHeads), each sequence
    /// of `layout` attending only within itself (causal and windowed as the layout says). Equals transformers'
    /// eager attention on the padded batch at every real token (the padding's keys get weight 0 there too).
    ///
    /// - Parameters:
    ///   - query: [N, heads·d]; `key`, `value`: [N, kvHeads·d] (N = `layout.tokenCount`).
    ///   - scale: multiplies the scores (transformers: 1/√d).
    ///   - dropout: probability of zeroing each attention probability in training (survivors scaled by 1/(1−p)); the
    ///     mask is ``dropout(_:training:rng:)`` of a vector of ones with one entry per probability (every sequence's
    ///     heads·L×L, in sequence-then-head order).
    /// - Returns: [N, heads·d]. Gradients flow to all three inputs
    ///   (``LorafKernels/Kernels/packedAttentionBackward(_:scale:dOut:q:k:v:keep:probabilities:dq:dk:dv:)``).
    /// - Throws: `TensorError.shapeMismatch` when the shapes disagree with `layout`; `invalidArgument` for a dropout
    ///   probability outside [0, 1).
    public static func packedAttention(query: Tensor, key: Tensor, value: Tensor, layout: AttentionLayout, scale: Float,
                                       dropout p: Float = 0, training: Bool = false,
                                       rng: inout RandomGenerator) throws -> Tensor {
        let n = layout.tokenCount, d = layout.headDim
        guard query.shape == [n, layout.heads * d], key.shape == [n, layout.kvHeads * d], value.shape == key.shape else {
            throw TensorError.shapeMismatch(op: "packed_attention", lhs: query.shape, rhs: key.shape,
                                            detail: "expects query [\(n), \(layout.heads * d)] and key/value [\(n), \(layout.kvHeads * d)] (value is \(value.shape))")
        }
        guard p >= 0, p < 1 else { throw TensorError.invalidArgument(op: "packed_attention", message: "dropout probability \(p) is outside [0, 1)") }
        let q = query.contiguousData(), k = key.contiguousData(), v = value.contiguousData()
        let probabilities = try Tensor(allocating: [layout.probabilityCount], op: "packed_attention")
        let keep = training && p > 0 ? try dropoutMultipliers(count: layout.probabilityCount, p: p, rng: &rng) : nil
        let out = try Tensor(allocating: [n, layout.heads * d], op: "packed_attention")
        Kernels.packedAttentionForward(layout, scale: scale, q: q.data, k: k.data, v: v.data, keep: keep.map { UnsafePointer($0.data) },
                                       probabilities: probabilities.data, out: out.data)
        let (savedQ, savedK, savedV) = (q.detached(), k.detached(), v.detached())
        return record(out, name: "packed_attention", inputs: [query, key, value]) { g, _ in
            let dq = Tensor(uninitialized: savedQ.shape), dk = Tensor(uninitialized: savedK.shape), dv = Tensor(uninitialized: savedV.shape)
            Kernels.packedAttentionBackward(layout, scale: scale, dOut: g.contiguousData().data, q: savedQ.data, k: savedK.data,
                                            v: savedV.data, keep: keep.map { UnsafePointer($0.data) },
                                            probabilities: probabilities.data, dq: dq.data, dk: dk.data, dv: dv.data)
            return [dq, dk, dv]
        }
    }

    /// `count` inverted-dropout multipliers (0 with probability p, else 1/(1−p)): ``dropout(_:training:rng:)`` of ones.
    private static func dropoutMultipliers(count: Int, p: Float, rng: inout RandomGenerator) throws -> Tensor {
        try Tensor(repeating: 1, shape: [count]).dropout(p, training: true, rng: &rng)
    }
}

/// Attention over a key/value cache (generation).
extension Tensor {
    /// Scaled dot-product attention of the S new queries of each of B sequences over the keys and values of `cache`
    /// (this pass's included): out_h = softmax(scale · q_h K_gᵀ + mask) V_g, g = h / (heads / kvHeads). For inference:
    /// no gradient is recorded (``LorafKernels/Kernels/cachedAttention(query:batch:queries:heads:cache:mask:scale:into:)``).
    ///
    /// - Parameters:
    ///   - query: [B·S, heads·d] (row b·S + s).
    ///   - mask: additive [B, 1, S, T] (T = `cache.length`), shared by every head: 0 where query s reads key slot t, a
    ///     large negative number elsewhere.
    /// - Returns: [B·S, heads·d].
    /// - Throws: `TensorError.shapeMismatch` when `query` or `mask` disagree with `batch`, `heads` and the cache.
    public static func cachedAttention(query: Tensor, batch: Int, heads: Int, cache: CachedKeysValues, mask: Tensor,
                                       scale: Float) throws -> Tensor {
        let d = cache.headDim, width = heads * d
        guard batch > 0, heads % cache.kvHeads == 0, query.rank == 2, query.shape[1] == width, query.shape[0] % batch == 0 else {
            throw TensorError.shapeMismatch(op: "cached_attention", lhs: query.shape, rhs: [batch, heads, d],
                                            detail: "expects query [B·S, heads·d] for B = \(batch), heads = \(heads) (a multiple of kv_heads \(cache.kvHeads)), d = \(d)")
        }
        let s = query.shape[0] / batch
        guard mask.shape == [batch, 1, s, cache.length] else {
            throw TensorError.shapeMismatch(op: "cached_attention", lhs: mask.shape, rhs: [batch, 1, s, cache.length],
                                            detail: "expects the additive mask [B, 1, S, cached + new slots]")
        }
        let out = try Tensor(allocating: [batch * s, width], op: "cached_attention")
        let (queries, additive) = (query.contiguousData(), mask.contiguousData())
        withExtendedLifetime((queries, additive)) {
            Kernels.cachedAttention(query: queries.data, batch: batch, queries: s, heads: heads, cache: cache,
                                    mask: additive.data, scale: scale, into: out.data)
        }
        return out
    }
}
