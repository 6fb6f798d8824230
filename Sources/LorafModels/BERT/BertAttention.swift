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

    /// hidden [B, S, H], additive mask [B, 1, 1, S] → context [B, S, H].
    public func forward(_ hidden: Tensor, mask: Tensor, _ context: ForwardContext) throws -> Tensor {
        let b = hidden.shape[0], s = hidden.shape[1], h = hidden.shape[2], d = h / heads
        func splitHeads(_ x: Tensor) throws -> Tensor {
            try x.reshaped([b, s, heads, d]).permuted([0, 2, 1, 3])   // [B, heads, S, d]
        }
        let q = try splitHeads(child("query").forward(hidden, context) * (1 / Float(d).squareRoot()))
        let k = try splitHeads(child("key").forward(hidden, context))
        let v = try splitHeads(child("value").forward(hidden, context))
        let probs = try q.matmul(k.transposed()).softmax(mask: mask)          // [B, heads, S, S]
        let attended = try child("dropout").forward(probs, context).matmul(v)  // [B, heads, S, d]
        return try attended.permuted([0, 2, 1, 3]).reshaped([b, s, h])
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

    public func forward(_ hidden: Tensor, mask: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard let attention = childIfPresent("self") as? BertSelfAttention,
              let output = childIfPresent("output") as? BertResidualOutput else {
            throw ModelError.invalid("BertAttention lacks its 'self' or 'output' block")
        }
        return try output.forward(attention.forward(hidden, mask: mask, context), residual: hidden, context)
    }
}
