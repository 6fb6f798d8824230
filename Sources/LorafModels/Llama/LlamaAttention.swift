import LorafKernels
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

    /// hidden [N, H] (the packed tokens of a batch, ``PackedTokens``) → [N, H], each sequence of `layout`
    /// attending causally within itself (``Tensor/packedAttention(query:key:value:layout:scale:dropout:training:rng:)``);
    /// `rotary` holds each token's cos/sin [N, d/2].
    /// - Throws: tensor shape errors when `hidden`, `layout` and `rotary` disagree; the projections' errors.
    public func forward(_ hidden: Tensor, layout: AttentionLayout, rotary: (cos: Tensor, sin: Tensor), _ context: ForwardContext) throws -> Tensor {
        let (q, k, v) = try projections(hidden, rotary: rotary, context)
        let attended = try Tensor.packedAttention(query: q, key: k, value: v, layout: layout, scale: 1 / Float(headDim).squareRoot(),
                                                  dropout: dropout, training: context.training, rng: &context.rng)
        return try child("o_proj").forward(attended, context)
    }

    /// The padded form with a key/value cache (generation): hidden [B, S, H] → [B, S, H]. `mask` is additive
    /// [B, 1, S, T] (T = cached + new slots, shared by every head), `rotary` the
    /// cos/sin tables [B·S, d/2] (``Tensor/rotaryTables(angles:)``), `cache` the key/value cache. This pass's keys and
    /// values are written into the cache and attention reads them there (``Tensor/cachedAttention(query:batch:heads:cache:mask:scale:)``).
    /// - Throws: `ModelError.invalid` when gradients are recorded through a trainable projection or attention
    ///   dropout is active (this form is for inference); `TensorError.shapeMismatch` when the mask disagrees with the
    ///   cache; the projections' and the cache's errors.
    public func forward(_ hidden: Tensor, mask: Tensor, rotary: (cos: Tensor, sin: Tensor), cache: KeyValueCache, _ context: ForwardContext) throws -> Tensor {
        let b = hidden.shape[0], s = hidden.shape[1]
        let (q, k, v) = try projections(hidden, rotary: rotary, context)
        guard !(GradMode.isEnabled && (q.requiresGrad || k.requiresGrad || v.requiresGrad)), !(context.training && dropout > 0) else {
            throw ModelError.invalid("attention with a key/value cache is for inference: run it in eval mode without recording gradients")
        }
        let out = try cache.append(layer: layerIndex, keys: k, values: v, batch: b, kvHeads: kvHeads) { stored in
            try Tensor.cachedAttention(query: q, batch: b, heads: heads, cache: stored, mask: mask, scale: 1 / Float(headDim).squareRoot())
        }
        return try child("o_proj").forward(out.reshaped([b, s, heads * headDim]), context)
    }

    /// The projections of x [T, H] or [B, S, H] (T = B·S tokens) as q [T, heads·d], k and v [T, kv_heads·d], q and k
    /// rotated. The projections see x as given, so a mixed-adapter batch's rows stay its examples.
    private func projections(_ x: Tensor, rotary: (cos: Tensor, sin: Tensor), _ context: ForwardContext) throws -> (Tensor, Tensor, Tensor) {
        let tokens = x.count / x.shape[x.rank - 1]
        func project(_ name: String) throws -> Tensor {
            let y = try child(name).forward(x, context)
            return try y.reshaped([tokens, y.shape[y.rank - 1]])
        }
        return (try project("q_proj").rotaryEmbedding(cos: rotary.cos, sin: rotary.sin),
                try project("k_proj").rotaryEmbedding(cos: rotary.cos, sin: rotary.sin),
                try project("v_proj"))
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
        let gated = try Tensor.swiglu(gate: child("gate_proj").forward(x, context), up: child("up_proj").forward(x, context))
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

    /// x [N, H] (packed tokens) → [N, H], or x [B, S, H] → [B, S, H] with a cache: `attention` says which form
    /// (``LlamaAttention``'s two `forward`s).
    /// - Throws: `ModelError.invalid` when the block lacks its children; tensor shape errors.
    public func forward(_ x: Tensor, attention mode: DecoderAttention, _ context: ForwardContext) throws -> Tensor {
        guard let attention = childIfPresent("self_attn") as? LlamaAttention else {
            throw ModelError.invalid("LlamaDecoderLayer lacks its self_attn block")
        }
        let normed = try child("input_layernorm").forward(x, context)
        let attended: Tensor
        switch mode {
        case let .packed(layout, rotary): attended = try attention.forward(normed, layout: layout, rotary: rotary, context)
        case let .cached(mask, rotary, cache): attended = try attention.forward(normed, mask: mask, rotary: rotary, cache: cache, context)
        }
        let h = try x + attended
        return try h + child("mlp").forward(child("post_attention_layernorm").forward(h, context), context)
    }
}

/// How a decoder block's attention sees the batch: packed tokens (training, scoring) or the padded batch with a
/// key/value cache (generation).
public enum DecoderAttention {
    /// Packed tokens [N, H], their sequences and each token's rotary cos/sin [N, d/2].
    case packed(AttentionLayout, rotary: (cos: Tensor, sin: Tensor))
    /// Padded [B, S, H] with the additive mask [B, 1, S, T], rotary cos/sin [B·S, d/2] and the cache.
    case cached(mask: Tensor, rotary: (cos: Tensor, sin: Tensor), cache: KeyValueCache)
}
