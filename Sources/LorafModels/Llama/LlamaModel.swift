import LorafKernels
import LorafTensor

/// The Llama decoder body, as transformers' LlamaModel: children `embed_tokens` [vocab, H], `layers.0` ...
/// `layers.{N-1}` (LlamaDecoderLayer) and the final `norm` (RMSNorm). Also builds Mistral and Qwen2 (their
/// differences are configuration: ``LlamaConfig``).
public final class LlamaModel: Module, TransformerModel {
    public let config: LlamaConfig
    let inverseFrequencies: [Float]

    public init(_ config: LlamaConfig, seed: UInt64 = 0) throws {
        self.config = config
        inverseFrequencies = config.rope.inverseFrequencies(headDim: config.headDim)
        var rng = RandomGenerator(seed: seed, stream: 2)
        super.init()
        register(child: "embed_tokens", Embedding(count: config.vocabSize, dim: config.hiddenSize, std: config.initializerRange, rng: &rng))
        register(child: "layers", ModuleList((0..<config.numHiddenLayers).map { LlamaDecoderLayer(config, layerIndex: $0, rng: &rng) }))
        register(child: "norm", RMSNorm(features: config.hiddenSize, eps: config.rmsNormEps))
    }

    public override var kind: String { "LlamaModel" }
    public var task: ModelTask { .base }
    public var headModulePaths: [String] { [] }
    public var bodyPrefix: String { "" }
    public var modelType: String { config.modelType }

    /// input ids [B, S] → last_hidden_state [B, S, H] (after the final norm). Without a cache only the real tokens
    /// are computed (``forwardPacked(_:_:)``) and padding positions hold 0; with `input.cache` the batch continues
    /// the cached sequences in the padded form and the cache grows by S positions.
    public func forward(_ input: ModelInput, _ context: ForwardContext) throws -> ModelOutput {
        guard let cache = input.cache else {
            let (hidden, packing) = try forwardPacked(input, context)
            return ModelOutput(lastHiddenState: try packing.unpacked(hidden))
        }
        return ModelOutput(lastHiddenState: try forwardCached(input, cache: cache, context))
    }

    /// The batch's real tokens only (``PackedTokens``: each segment of each row is a sequence, causal attention
    /// within it): the final-normed states [N, H] and the packing. Positions are `input.positionIds` at those tokens,
    /// or the count of real tokens before each in its row.
    /// - Throws: `ModelError.invalid` when the model lacks its children or an id is outside the vocabulary; tensor shape
    ///   errors.
    public func forwardPacked(_ input: ModelInput, _ context: ForwardContext) throws -> (hidden: Tensor, packing: PackedTokens) {
        let (embed, layers) = try parts()
        let packed = PackedTokens(attentionMask: input.attentionMask, segments: true)
        let rowPositions = try input.positionIds?.scalars
            ?? DecoderInputs.defaultPositions(input.attentionMask, past: 0, new: input.sequenceLength)
        let rotary = try DecoderInputs.rotaryTables(positions: packed.slots.map { rowPositions[$0] }, inverseFrequencies: inverseFrequencies)
        let attention = DecoderAttention.packed(try packed.attentionLayout(heads: config.numAttentionHeads, kvHeads: config.numKeyValueHeads,
                                                                           headDim: config.headDim, causal: true, window: config.slidingWindow),
                                                rotary: rotary)
        let hidden = try context.withRowExamples(packed.tokenExamples) {
            let tokens = try layers.forwardBlocks(try embed.forward(packed.gather(input.inputIds)), context) { (layer: LlamaDecoderLayer, x, context) in
                try layer.forward(x, attention: attention, context)
            }
            return try child("norm").forward(tokens, context)
        }
        return (hidden, packed)
    }

    /// The padded pass over a batch that continues `cache` (`input.cache`) → [B, S, H].
    private func forwardCached(_ input: ModelInput, cache: KeyValueCache, _ context: ForwardContext) throws -> Tensor {
        let (embed, layers) = try parts()
        let shared = try DecoderInputs(input, inverseFrequencies: inverseFrequencies, window: config.slidingWindow)
        let attention = DecoderAttention.cached(mask: shared.mask, rotary: shared.rotary, cache: cache)
        let hidden = try layers.forwardBlocks(try embed.forward(input.inputIds), context, checkpointable: false) { (layer: LlamaDecoderLayer, x, context) in
            try layer.forward(x, attention: attention, context)
        }
        cache.commit(mask: shared.fullMask)
        return try child("norm").forward(hidden, context)
    }

    private func parts() throws -> (TokenEmbedding, ModuleList) {
        guard let embed = childIfPresent("embed_tokens") as? TokenEmbedding, let layers = childIfPresent("layers") as? ModuleList else {
            throw ModelError.invalid("LlamaModel lacks embed_tokens or layers")
        }
        return (embed, layers)
    }
}
