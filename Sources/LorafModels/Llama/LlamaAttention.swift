import LorafTensor

/// Grouped-query self-attention (Ainslie et al. 2023) with rotary position embeddings, as transformers'
/// LlamaAttention: children `q_proj` (H → heads·d), `k_proj` and `v_proj` (H → kv_heads·d), `o_proj` (heads·d → H).
/// softmax(Q Kᵀ / √d + mask) V per head, query head h reading key/value head h / (heads / kv_heads).
public final class LlamaAttention: Module {
    public let heads: Int
    public let kvHeads: Int
    public let headDim: Int
    public let layerIndex: Int
    let dropout: Float

    public init(_ config: LlamaConfig, layerIndex: Int, rng: inout RandomGenerator) {
        heads = config.numAttentionHeads
        kvHeads = config.numKeyValueHeads
        headDim = config.headDim
        dropout = config.attentionDropout
        self.layerIndex = layerIndex
        super.init()
        let h = config.hiddenSize, std = config.initializerRange
        let shapes = [("q_proj", h, heads * headDim, config.qkvBias), ("k_proj", h, kvHeads * headDim, config.qkvBias),
                      ("v_proj", h, kvHeads * headDim, config.qkvBias), ("o_proj", heads * headDim, h, config.outputBias)]
        for (name, inFeatures, outFeatures, bias) in shapes {
            register(child: name, Linear(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias, initialization: .normal(std: std), rng: &rng))
        }
    }

    public override var summaryLine: String { "heads=\(heads), kv_heads=\(kvHeads), head_dim=\(headDim)" }

    /// hidden [B, S, H] → [B, S, H]. `mask` is additive [B, 1, G·S, T] (G = heads / kv_heads query heads per
    /// key/value head, rows in head-group order), `rotary` the cos/sin tables [B, S, d/2] (``Tensor/rotaryTables(angles:)``), `cache` the key/value cache.
    public func forward(_ hidden: Tensor, mask: Tensor, rotary: (cos: Tensor, sin: Tensor), cache: KeyValueCache?, _ context: ForwardContext) throws -> Tensor {
        let b = hidden.shape[0], s = hidden.shape[1], d = headDim, groups = heads / kvHeads
        func splitHeads(_ x: Tensor, _ count: Int) throws -> Tensor {
            try x.reshaped([b, s, count, d]).permuted([0, 2, 1, 3])   // [B, count, S, d]
        }
        let q = try splitHeads(child("q_proj").forward(hidden, context), heads).rotaryEmbedding(cos: rotary.cos, sin: rotary.sin)
        var k = try splitHeads(child("k_proj").forward(hidden, context), kvHeads).rotaryEmbedding(cos: rotary.cos, sin: rotary.sin)
        var v = try splitHeads(child("v_proj").forward(hidden, context), kvHeads)
        if let cache { (k, v) = try cache.append(layer: layerIndex, keys: k, values: v) }
        // The G query heads that share a key/value head become G·S rows of one matrix per key/value head.
        let grouped = try q.reshaped([b, kvHeads, groups * s, d]) * (1 / Float(d).squareRoot())
        var probs = try grouped.matmul(k.transposed()).softmax(mask: mask)          // [B, kv_heads, G·S, T]
        if dropout > 0 { probs = try context.dropout(probs, dropout) }
        let attended = try probs.matmul(v).reshaped([b, heads, s, d])             // [B, heads, S, d]
        return try child("o_proj").forward(attended.permuted([0, 2, 1, 3]).reshaped([b, s, heads * d]), context)
    }
}

/// The SwiGLU feed-forward block (Shazeer 2020) as transformers' LlamaMLP: down_proj(silu(gate_proj(x)) ⊙ up_proj(x)).
/// Children `gate_proj`, `up_proj` (H → I) and `down_proj` (I → H).
public final class LlamaMLP: UnaryModule {
    public init(_ config: LlamaConfig, rng: inout RandomGenerator) {
        super.init()
        let h = config.hiddenSize, i = config.intermediateSize, std = config.initializerRange
        for (name, inFeatures, outFeatures) in [("gate_proj", h, i), ("up_proj", h, i), ("down_proj", i, h)] {
            register(child: name, Linear(inFeatures: inFeatures, outFeatures: outFeatures, bias: config.mlpBias, initialization: .normal(std: std), rng: &rng))
        }
    }

    public override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        let gated = try child("gate_proj").forward(x, context).silu() * child("up_proj").forward(x, context)
        return try child("down_proj").forward(gated, context)
    }
}

/// One pre-norm decoder block, as transformers' LlamaDecoderLayer: h = x + self_attn(input_layernorm(x));
/// out = h + mlp(post_attention_layernorm(h)). Children `self_attn`, `mlp`, `input_layernorm`, `post_attention_layernorm`.
public final class LlamaDecoderLayer: Module {
    public init(_ config: LlamaConfig, layerIndex: Int, rng: inout RandomGenerator) {
        super.init()
        register(child: "self_attn", LlamaAttention(config, layerIndex: layerIndex, rng: &rng))
        register(child: "mlp", LlamaMLP(config, rng: &rng))
        register(child: "input_layernorm", RMSNorm(features: config.hiddenSize, eps: config.rmsNormEps))
        register(child: "post_attention_layernorm", RMSNorm(features: config.hiddenSize, eps: config.rmsNormEps))
    }

    /// x [B, S, H] → [B, S, H]; `mask`, `rotary` and `cache` as ``LlamaAttention/forward(_:mask:rotary:cache:_:)`` takes them.
    /// - Throws: `ModelError.invalid` when the block lacks its children; tensor shape errors.
    public func forward(_ x: Tensor, mask: Tensor, rotary: (cos: Tensor, sin: Tensor), cache: KeyValueCache?, _ context: ForwardContext) throws -> Tensor {
        guard let attention = childIfPresent("self_attn") as? LlamaAttention else {
            throw ModelError.invalid("LlamaDecoderLayer lacks its self_attn block")
        }
        let h = try x + attention.forward(child("input_layernorm").forward(x, context), mask: mask, rotary: rotary, cache: cache, context)
        return try h + child("mlp").forward(child("post_attention_layernorm").forward(h, context), context)
    }
}
