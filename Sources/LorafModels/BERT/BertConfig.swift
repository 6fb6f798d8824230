/// The fields of a Hugging Face BERT `config.json` that define the architecture.
public struct BertConfig: Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    /// "gelu" (erf form), "gelu_new"/"gelu_pytorch_tanh" (tanh form), "relu" or "silu".
    public var hiddenAct: String
    public var hiddenDropoutProb: Float
    public var attentionProbsDropoutProb: Float
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var initializerRange: Float
    public var padTokenId: Int
    public var modelType: String

    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, intermediateSize: Int,
                hiddenAct: String = "gelu", hiddenDropoutProb: Float = 0.1, attentionProbsDropoutProb: Float = 0.1,
                maxPositionEmbeddings: Int = 512, typeVocabSize: Int = 2, layerNormEps: Float = 1e-12,
                initializerRange: Float = 0.02, padTokenId: Int = 0) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.hiddenAct = hiddenAct
        self.hiddenDropoutProb = hiddenDropoutProb
        self.attentionProbsDropoutProb = attentionProbsDropoutProb
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.initializerRange = initializerRange
        self.padTokenId = padTokenId
        self.modelType = "bert"
    }

    /// Reads the fields of a config.json (defaults as transformers' BertConfig for the optional ones) and validates them.
    /// - Throws: `ModelError.invalid` naming the file and the field that is missing, mistyped or inconsistent.
    public init(_ config: ConfigReader) throws {
        func float(_ key: String, _ fallback: Float) throws -> Float { try config.double(key).map(Float.init) ?? fallback }
        self.init(vocabSize: try config.positiveInt("vocab_size"), hiddenSize: try config.positiveInt("hidden_size"),
                  numHiddenLayers: try config.positiveInt("num_hidden_layers", limit: 1024),
                  numAttentionHeads: try config.positiveInt("num_attention_heads"),
                  intermediateSize: try config.positiveInt("intermediate_size"),
                  hiddenAct: try config.string("hidden_act") ?? "gelu",
                  hiddenDropoutProb: try float("hidden_dropout_prob", 0.1),
                  attentionProbsDropoutProb: try float("attention_probs_dropout_prob", 0.1),
                  maxPositionEmbeddings: try config.int("max_position_embeddings") ?? 512,
                  typeVocabSize: try config.int("type_vocab_size") ?? 2,
                  layerNormEps: try float("layer_norm_eps", 1e-12), initializerRange: try float("initializer_range", 0.02),
                  padTokenId: try config.int("pad_token_id") ?? 0)
        modelType = try config.string("model_type") ?? "bert"
        try validate(source: config.source)
    }

    /// Checks that the sizes are positive and consistent (hidden size divisible by the number of heads, a known
    /// activation, probabilities in [0, 1)).
    public func validate(source: String) throws {
        let positive: [(String, Int)] = [("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("num_hidden_layers", numHiddenLayers),
                                         ("num_attention_heads", numAttentionHeads), ("intermediate_size", intermediateSize),
                                         ("max_position_embeddings", maxPositionEmbeddings), ("type_vocab_size", typeVocabSize)]
        for (name, value) in positive where value <= 0 {
            throw ModelError.invalid("\(source): '\(name)' must be positive, got \(value)")
        }
        guard hiddenSize % numAttentionHeads == 0 else {
            throw ModelError.invalid("\(source): hidden_size \(hiddenSize) is not divisible by num_attention_heads \(numAttentionHeads)")
        }
        guard Activation(name: hiddenAct) != nil else {
            throw ModelError.invalid("\(source): unknown hidden_act '\(hiddenAct)' (known: gelu, gelu_new, gelu_pytorch_tanh, relu, silu)")
        }
        for (name, p) in [("hidden_dropout_prob", hiddenDropoutProb), ("attention_probs_dropout_prob", attentionProbsDropoutProb)] where !(p >= 0 && p < 1) {
            throw ModelError.invalid("\(source): '\(name)' must be in [0, 1), got \(p)")
        }
    }
}

/// Activation functions by their Hugging Face config names.
public enum Activation: String {
    case gelu, geluTanh, relu, silu

    public init?(name: String) {
        switch name {
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": self = .geluTanh
        case "relu": self = .relu
        case "silu", "swish": self = .silu
        default: return nil
        }
    }
}
