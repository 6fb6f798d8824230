import LorafKernels
import LorafTensor

/// Multi-head scaled dot-product self-attention (Vaswani et al. 2017) as transformers' BertSelfAttention:
/// children `query`, `key`, `value` (Linear H→H) and attention-probability `dropout`.
/// softmax(Q Kᵀ / √d + mask) V per head, d = H / heads.
public final class BertSelfAttention: Module {
    public let heads: Int

    public init(_ config: BertConfig, rng: inout RandomGenerator) {
        heads = config.numAttentionHeads
        super.init()
        let h = config.hiddenSize, std = config.initializerRange
        for name in ["query", "key", "value"] {
            register(child: name, Linear(inFeatures: h, outFeatures: h, initialization: .normal(std: std), rng: &rng))
        }
        register(child: "dropout", Dropout(p: config.attentionProbsDropoutProb))
    }

    public override var summaryLine: String { "heads=\(heads)" }

    /// hidden [N, H] (the packed tokens of a batch, `tokens`; `layout` their sequences) → context [N, H], each sequence
    /// attending within itself through the fused ``Tensor/packedAttention(query:key:value:layout:scale:dropout:training:rng:)``
    /// with the `dropout` child's probability on the attention weights. When the `dropout` child has forward hooks (or
    /// was replaced by another module), the probabilities are computed in the padded form [B, heads, S, S] instead and
    /// passed through it, so the hooks see (and may replace) them as in transformers.
    public func forward(_ hidden: Tensor, tokens: PackedTokens, layout: AttentionLayout, _ context: ForwardContext) throws -> Tensor {
        let d = hidden.shape[1] / heads, scale = 1 / Float(d).squareRoot()
        let q = try child("query").forward(hidden, context), k = try child("key").forward(hidden, context)
        let v = try child("value").forward(hidden, context)
        guard let dropout = childIfPresent("dropout") as? Dropout, dropout.forwardHooks.isEmpty else {
            return try paddedAttention(q, k, v, tokens: tokens, scale: scale, context)
        }
        return try Tensor.packedAttention(query: q, key: k, value: v, layout: layout, scale: scale, dropout: dropout.p,
                                          training: context.training, rng: &context.rng)
    }

    /// softmax(Q Kᵀ·scale + padding mask) V on the padded batch [B, heads, S, d], the probabilities going through the
    /// `dropout` child (and its hooks); packed [N, H] in and out.
    private func paddedAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor, tokens: PackedTokens, scale: Float,
                                 _ context: ForwardContext) throws -> Tensor {
        let (b, s, h) = (tokens.batchSize, tokens.sequenceLength, q.shape[1])
        func splitHeads(_ x: Tensor) throws -> Tensor {
            try tokens.unpacked(x).reshaped([b, s, heads, h / heads]).permuted([0, 2, 1, 3])   // [B, heads, S, d]
        }
        var keyMask = [Float](repeating: -Float.greatestFiniteMagnitude, count: b * s)
        for slot in tokens.slots { keyMask[slot] = 0 }
        let probs = try (splitHeads(q) * scale).matmul(splitHeads(k).transposed())
            .softmax(mask: Tensor(shape: [b, 1, 1, s], scalars: keyMask))                      // [B, heads, S, S]
        let attended = try child("dropout").forward(probs, context).matmul(splitHeads(v))     // [B, heads, S, d]
        return try Tensor.embedding(IntTensor(shape: [tokens.count], scalars: tokens.slots),
                                    weight: attended.permuted([0, 2, 1, 3]).reshaped([b * s, h]))
    }
}

/// Dense projection, dropout, residual and LayerNorm after attention or the feed-forward block:
/// LayerNorm(dropout(dense(x)) + residual) (BertSelfOutput / BertOutput). Children `dense`, `LayerNorm`, `dropout`.
public final class BertResidualOutput: Module {
    public init(inFeatures: Int, _ config: BertConfig, rng: inout RandomGenerator) {
        super.init()
        register(child: "dense", Linear(inFeatures: inFeatures, outFeatures: config.hiddenSize,
                                        initialization: .normal(std: config.initializerRange), rng: &rng))
        register(child: "LayerNorm", LayerNorm(features: config.hiddenSize, eps: config.layerNormEps))
        register(child: "dropout", Dropout(p: config.hiddenDropoutProb))
    }

    public func forward(_ x: Tensor, residual: Tensor, _ context: ForwardContext) throws -> Tensor {
        let projected = try child("dropout").forward(child("dense").forward(x, context), context)
        return try child("LayerNorm").forward(projected + residual, context)
    }
}

/// BertAttention: children `self` (BertSelfAttention) and `output` (BertResidualOutput).
public final class BertAttention: Module {
    public init(_ config: BertConfig, rng: inout RandomGenerator) {
        super.init()
        register(child: "self", BertSelfAttention(config, rng: &rng))
        register(child: "output", BertResidualOutput(inFeatures: config.hiddenSize, config, rng: &rng))
    }

    /// hidden [N, H] → [N, H] (packed `tokens`, `layout` their sequences), or [K, H] for the K packed rows `keeping`
    /// lists (self-attention reads every token; the output block runs for those rows, which a mixed-adapter batch's
    /// ``ForwardContext/rowExamples`` then describe).
    public func forward(_ hidden: Tensor, tokens: PackedTokens, layout: AttentionLayout, keeping rows: [Int]? = nil,
                        _ context: ForwardContext) throws -> Tensor {
        guard let attention = childIfPresent("self") as? BertSelfAttention,
              let output = childIfPresent("output") as? BertResidualOutput else {
            throw ModelError.invalid("BertAttention lacks its 'self' or 'output' block")
        }
        let attended = try attention.forward(hidden, tokens: tokens, layout: layout, context)
        guard let rows else { return try output.forward(attended, residual: hidden, context) }
        let kept = try IntTensor(shape: [rows.count], scalars: rows)
        return try context.withRowExamples(rows.map { tokens.tokenExamples[$0] }) {
            try output.forward(Tensor.embedding(kept, weight: attended), residual: Tensor.embedding(kept, weight: hidden), context)
        }
    }
}
