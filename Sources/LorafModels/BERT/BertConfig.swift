import Foundation
import LorafTensor

/// The fields of a Hugging Face BERT `config.json` that define the architecture.
public struct BertConfig: Codable, Equatable {
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

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size", hiddenAct = "hidden_act"
        case hiddenDropoutProb = "hidden_dropout_prob", attentionProbsDropoutProb = "attention_probs_dropout_prob"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps", initializerRange = "initializer_range", padTokenId = "pad_token_id"
        case modelType = "model_type"
    }

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

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu"
        hiddenDropoutProb = try c.decodeIfPresent(Float.self, forKey: .hiddenDropoutProb) ?? 0.1
        attentionProbsDropoutProb = try c.decodeIfPresent(Float.self, forKey: .attentionProbsDropoutProb) ?? 0.1
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 512
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? 2
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-12
        initializerRange = try c.decodeIfPresent(Float.self, forKey: .initializerRange) ?? 0.02
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId) ?? 0
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? "bert"
    }

    /// Reads and validates `config.json`.
    /// - Throws: `ModelError.invalid` naming the file and the field that is missing, mistyped or inconsistent.
    public static func load(_ url: URL) throws -> BertConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.invalid("\(url.path): cannot read the model config (\(error.localizedDescription))")
        }
        let config: BertConfig
        do { config = try JSONDecoder().decode(BertConfig.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw ModelError.invalid("\(url.path): missing field '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ModelError.invalid("\(url.path): field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch {
            throw ModelError.invalid("\(url.path): not a valid JSON config (\(error))")
        }
        try config.validate(source: url.path)
        return config
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
        try checkSize(source: source)
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
extension BertConfig {
    /// The parameter shapes a model of this config allocates (embeddings, one encoder layer times the layer
    /// count, pooler), checked with overflow-safe arithmetic against the machine's memory before any is made.
    /// - Throws: `ModelError.invalid` naming `source` and giving the size asked for.
    func checkSize(source: String) throws {
        let h = hiddenSize, i = intermediateSize
        let embeddings = [[vocabSize, h], [maxPositionEmbeddings, h], [typeVocabSize, h], [2, h]]
        let layer = [[h, h], [h], [h, h], [h], [h, h], [h], [h, h], [h], [2, h], [i, h], [i], [h, i], [h], [2, h]]
        do {
            let perLayer = try TensorShape.totalAllocatableCount(layer, op: "config", what: "one encoder layer's parameters")
            _ = try TensorShape.totalAllocatableCount(embeddings + [[h, h], [h], [numHiddenLayers, perLayer]], op: "config",
                                                      what: "the model's parameters")
        } catch let TensorError.invalidArgument(_, message) {
            throw ModelError.invalid("\(source): \(message) (num_hidden_layers \(numHiddenLayers), hidden_size \(h), intermediate_size \(i), vocab_size \(vocabSize))")
        }
    }
}

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
