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

    /// input ids [B, S] → last_hidden_state [B, S, H] (after the final norm). With `input.cache` the batch continues
    /// the cached sequences and the cache grows by S positions.
    public func forward(_ input: ModelInput, _ context: ForwardContext) throws -> ModelOutput {
        guard let embed = childIfPresent("embed_tokens") as? TokenEmbedding, let layers = childIfPresent("layers") as? ModuleList else {
            throw ModelError.invalid("LlamaModel lacks embed_tokens or layers")
        }
        let shared = try DecoderInputs(input, inverseFrequencies: inverseFrequencies,
                                       groups: config.numAttentionHeads / config.numKeyValueHeads, window: config.slidingWindow)
        let cache = input.cache
        let hidden = try layers.forwardBlocks(try embed.forward(input.inputIds), context, checkpointable: cache == nil) { (layer: LlamaDecoderLayer, x, context) in
            try layer.forward(x, mask: shared.mask, rotary: shared.rotary, cache: cache, context)
        }
        input.cache?.commit(mask: shared.fullMask)
        return ModelOutput(lastHiddenState: try child("norm").forward(hidden, context))
    }
}
