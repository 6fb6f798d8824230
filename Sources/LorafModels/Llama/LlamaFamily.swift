/// Llama-architecture decoders: config.json `model_type` llama, mistral, qwen2 and GGUF `general.architecture`
/// llama, mistral, qwen2. Tasks: base, sequence classification, causal LM.
struct LlamaFamily: ModelFamily {
    let name = "llama"
    let modelTypes = ["llama", "mistral", "qwen2"]
    let ggufArchitectures = ["llama", "mistral", "qwen2"]
    let tasks: [ModelTask] = [.base, .classification(numLabels: 2), .causalLM]

    func build(_ config: ModelConfigSource, task: ModelTask, seed: UInt64) throws -> TransformerModel {
        let llama: LlamaConfig
        switch config {
        case let .json(reader): llama = try LlamaConfig(json: reader)
        case let .gguf(reader):
            let architecture = try reader.string("general.architecture") ?? "llama"
            llama = try LlamaConfig(gguf: reader, architecture: architecture,
                                    vocabularySize: try reader.int(GGUFConfig.vocabularySizeKey) ?? 0,
                                    tiedEmbeddings: try reader.bool(GGUFConfig.tiedEmbeddingsKey) ?? false)
        }
        switch task {
        case .base: return try WeightInitialization.with(drawing: false) { try LlamaModel(llama, seed: seed) }
        case .causalLM: return try WeightInitialization.with(drawing: false) { try LlamaForCausalLM(llama, seed: seed) }
        case let .classification(numLabels): return try LlamaForSequenceClassification(llama, numLabels: numLabels, seed: seed)
        }
    }

    func parameterPath(ggufTensor name: String, in model: TransformerModel) -> String? {
        guard let path = GGUFLlamaNames.huggingFaceName(name) else { return nil }
        if path.hasPrefix("model.") && model.bodyPrefix.isEmpty { return String(path.dropFirst("model.".count)) }
        return path
    }

    func ggufTensorName(forParameter path: String, in model: TransformerModel) -> String? {
        GGUFLlamaNames.ggufName(model.bodyPrefix.isEmpty ? "model." + path : path)
    }

    func huggingFaceConfig(of model: TransformerModel) -> [String: Any]? { Self.config(of: model)?.huggingFaceFields }

    /// The configuration of a model this family built.
    private static func config(of model: TransformerModel) -> LlamaConfig? {
        switch model {
        case let m as LlamaForCausalLM: return m.config
        case let m as LlamaModel: return m.config
        case let m as LlamaForSequenceClassification: return m.config
        default: return nil
        }
    }

    func ggufRowPermutation(forParameter path: String, in model: TransformerModel) -> [Int]? {
        guard let config = Self.config(of: model) else { return nil }
        // llama.cpp's converter interleaves q/k rows for the Llama architecture (and Mistral, derived from it), not
        // for Qwen2, whose RoPE llama.cpp runs in the rotate-half (NEOX) form.
        guard config.modelType != "qwen2" else { return nil }
        if path.hasSuffix("self_attn.q_proj.weight") || path.hasSuffix("self_attn.q_proj.bias") {
            return GGUFLlamaNames.ropeRowPermutation(heads: config.numAttentionHeads, headDim: config.headDim)
        }
        if path.hasSuffix("self_attn.k_proj.weight") || path.hasSuffix("self_attn.k_proj.bias") {
            return GGUFLlamaNames.ropeRowPermutation(heads: config.numKeyValueHeads, headDim: config.headDim)
        }
        return nil
    }
}
