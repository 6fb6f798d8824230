/// Writing a ``LlamaConfig`` back as the config.json transformers reads (for merged models exported from a GGUF file).
extension LlamaConfig {
    /// transformers' class for the causal LM of this `model_type` ("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM").
    public var causalLMArchitecture: String {
        ["llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM", "qwen2": "Qwen2ForCausalLM"][modelType] ?? "LlamaForCausalLM"
    }

    /// config.json fields (JSON-serialisable values) from which `LlamaConfig(json:)` and transformers' LlamaConfig /
    /// MistralConfig / Qwen2Config rebuild this configuration: sizes, `rms_norm_eps`, `rope_parameters` (transformers 5)
    /// with `rope_theta` and `rope_scaling` for older readers, tying, biases, the sliding window.
    public var huggingFaceFields: [String: Any] {
        var rope: [String: Any] = ["rope_theta": rope.theta, "rope_type": "default"]
        switch self.rope.scaling {
        case .none: break
        case let .linear(factor): rope.merge(["rope_type": "linear", "factor": factor]) { $1 }
        case let .llama3(factor, low, high, original):
            rope.merge(["rope_type": "llama3", "factor": factor, "low_freq_factor": low, "high_freq_factor": high,
                        "original_max_position_embeddings": Int(original)]) { $1 }
        }
        var fields: [String: Any] = [
            "architectures": [causalLMArchitecture], "model_type": modelType, "vocab_size": vocabSize, "hidden_size": hiddenSize,
            "intermediate_size": intermediateSize, "num_hidden_layers": numHiddenLayers, "num_attention_heads": numAttentionHeads,
            "num_key_value_heads": numKeyValueHeads, "head_dim": headDim, "hidden_act": "silu", "rms_norm_eps": Double(rmsNormEps),
            "max_position_embeddings": maxPositionEmbeddings, "tie_word_embeddings": tieWordEmbeddings,
            "attention_dropout": Double(attentionDropout), "initializer_range": Double(initializerRange),
            "rope_parameters": rope, "rope_theta": self.rope.theta, "use_cache": true,
        ]
        if rope["rope_type"] as? String != "default" { fields["rope_scaling"] = rope }
        if modelType == "qwen2" {
            fields["use_sliding_window"] = slidingWindow != nil
        } else {
            fields["attention_bias"] = qkvBias
            fields["mlp_bias"] = mlpBias
        }
        if let slidingWindow { fields["sliding_window"] = slidingWindow }
        if let padTokenId { fields["pad_token_id"] = padTokenId }
        return fields
    }
}
