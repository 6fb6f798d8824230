/// The architecture of a Llama-family decoder (Llama 2/3, SmolLM, Mistral, Qwen2), read from config.json or GGUF
/// metadata. Qwen2 is Llama with biases on q/k/v; Mistral adds a sliding attention window.
public struct LlamaConfig: Equatable {
    public var modelType = "llama"
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var headDim: Int
    public var rmsNormEps: Float = 1e-6
    public var rope = RopeParameters()
    public var maxPositionEmbeddings = 2048
    public var tieWordEmbeddings = false
    /// Biases on q_proj, k_proj and v_proj (Qwen2; `attention_bias` puts one on o_proj too).
    public var qkvBias = false
    public var outputBias = false
    public var mlpBias = false
    public var attentionDropout: Float = 0
    /// Mistral's sliding window: a query attends to at most this many previous positions (nil: unlimited).
    public var slidingWindow: Int?
    public var initializerRange: Float = 0.02
    public var padTokenId: Int?

    public init(vocabSize: Int, hiddenSize: Int, intermediateSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
                numKeyValueHeads: Int? = nil, headDim: Int? = nil) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads ?? numAttentionHeads
        self.headDim = headDim ?? hiddenSize / Swift.max(numAttentionHeads, 1)
    }

    /// Reads transformers' LlamaConfig / MistralConfig / Qwen2Config fields (defaults as transformers has them).
    /// - Throws: `ModelError.invalid` naming the file and field.
    public init(json config: ConfigReader) throws {
        self.init(vocabSize: try config.positiveInt("vocab_size", limit: 1 << 22), hiddenSize: try config.positiveInt("hidden_size"),
                  intermediateSize: try config.positiveInt("intermediate_size"),
                  numHiddenLayers: try config.positiveInt("num_hidden_layers", limit: 1024),
                  numAttentionHeads: try config.positiveInt("num_attention_heads", limit: 4096),
                  numKeyValueHeads: try config.int("num_key_value_heads"), headDim: try config.int("head_dim"))
        modelType = try config.string("model_type") ?? "llama"
        rmsNormEps = try config.double("rms_norm_eps").map(Float.init) ?? 1e-6
        // transformers 5 writes one `rope_parameters` object (with rope_theta inside); older files rope_theta + rope_scaling.
        let ropeObject = try config.object("rope_parameters") ?? config.object("rope_scaling")
        let theta = try ropeObject?.double("rope_theta") ?? config.double("rope_theta") ?? 10000
        rope = try RopeParameters(theta: theta, scaling: ropeObject, source: config.source)
        maxPositionEmbeddings = try config.int("max_position_embeddings") ?? 2048
        tieWordEmbeddings = try config.bool("tie_word_embeddings") ?? (modelType == "qwen2")
        let attentionBias = try config.bool("attention_bias") ?? false
        qkvBias = modelType == "qwen2" || attentionBias
        outputBias = attentionBias
        mlpBias = try config.bool("mlp_bias") ?? false
        attentionDropout = try config.double("attention_dropout").map(Float.init) ?? 0
        slidingWindow = modelType == "llama" ? nil : try config.int("sliding_window")
        if modelType == "qwen2", try config.bool("use_sliding_window") != true { slidingWindow = nil }
        initializerRange = try config.double("initializer_range").map(Float.init) ?? 0.02
        padTokenId = try config.int("pad_token_id")
        try validate(source: config.source)
    }

    /// Reads GGUF metadata (`ARCH.embedding_length`, `ARCH.attention.head_count`, ... as llama.cpp writes them).
    /// `tiedEmbeddings`: the file has no `output.weight` (the output layer reuses `token_embd.weight`).
    /// - Throws: `ModelError.invalid` naming the file and key.
    public init(gguf config: ConfigReader, architecture: String, vocabularySize: Int, tiedEmbeddings: Bool) throws {
        let key = { (name: String) in "\(architecture).\(name)" }
        let heads = try config.positiveInt(key("attention.head_count"), limit: 4096)
        let hidden = try config.positiveInt(key("embedding_length"))
        self.init(vocabSize: try config.int(key("vocab_size")) ?? vocabularySize, hiddenSize: hidden,
                  intermediateSize: try config.positiveInt(key("feed_forward_length")),
                  numHiddenLayers: try config.positiveInt(key("block_count"), limit: 1024), numAttentionHeads: heads,
                  numKeyValueHeads: try config.int(key("attention.head_count_kv")), headDim: try config.int(key("attention.key_length")))
        modelType = architecture
        rmsNormEps = try config.double(key("attention.layer_norm_rms_epsilon")).map(Float.init) ?? 1e-5
        rope = try RopeParameters(gguf: config, architecture: architecture)
        maxPositionEmbeddings = try config.int(key("context_length")) ?? 2048
        tieWordEmbeddings = tiedEmbeddings
        qkvBias = architecture == "qwen2"
        slidingWindow = architecture == "llama" || architecture == "qwen2" ? nil : try config.int(key("attention.sliding_window"))
        try validate(source: config.source)
    }

    /// Checks that the sizes agree (heads divide evenly into key/value groups, an even head dimension for RoPE).
    public func validate(source: String) throws {
        guard numKeyValueHeads > 0, numAttentionHeads % numKeyValueHeads == 0 else {
            throw ModelError.invalid("\(source): num_attention_heads \(numAttentionHeads) is not a multiple of num_key_value_heads \(numKeyValueHeads)")
        }
        guard headDim > 0, headDim % 2 == 0, headDim <= 4096 else {
            throw ModelError.invalid("\(source): head dimension \(headDim) must be even and positive (hidden_size / num_attention_heads or head_dim)")
        }
        guard rmsNormEps > 0, rmsNormEps.isFinite else { throw ModelError.invalid("\(source): rms_norm_eps must be positive, got \(rmsNormEps)") }
        guard (0..<1).contains(attentionDropout) else { throw ModelError.invalid("\(source): attention_dropout must be in [0, 1), got \(attentionDropout)") }
    }
}
