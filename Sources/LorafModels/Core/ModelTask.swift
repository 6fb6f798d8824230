/// What a model is for, which decides its head.
public enum ModelTask: Equatable, CustomStringConvertible {
    /// The bare body: hidden states only (BertModel, LlamaModel).
    case base
    /// Sequence classification with `numLabels` outputs (BertForSequenceClassification); a head the checkpoint
    /// lacks is newly initialised.
    case classification(numLabels: Int)
    /// Next-token prediction (LlamaForCausalLM): logits over the vocabulary at every position.
    case causalLM

    public var description: String {
        switch self {
        case .base: return "base"
        case let .classification(numLabels): return "classification (\(numLabels) labels)"
        case .causalLM: return "causal_lm"
        }
    }
}
