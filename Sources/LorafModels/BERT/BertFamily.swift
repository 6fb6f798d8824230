/// BERT encoders (config.json `model_type` "bert"): the bare `BertModel` and `BertForSequenceClassification`.
struct BertFamily: ModelFamily {
    let name = "bert"
    let modelTypes = ["bert"]
    let tasks: [ModelTask] = [.base, .classification(numLabels: 2)]

    func build(_ config: ModelConfigSource, task: ModelTask, seed: UInt64) throws -> TransformerModel {
        guard case let .json(reader) = config else {
            throw ModelError.invalid("\(config.reader.source): BERT models are read from config.json + safetensors")
        }
        let bert = try BertConfig(reader)
        switch task {
        // The checkpoint overwrites every body weight (a missing one is an error), so the body skips random init.
        case .base: return try WeightInitialization.with(drawing: false) { try BertModel(bert, seed: seed) }
        case let .classification(numLabels):
            return try BertForSequenceClassification(bert, numLabels: numLabels, seed: seed, initializeBody: false)
        case .causalLM:
            throw ModelError.invalid("\(reader.source): BERT has no causal-LM head (tasks: base, classification)")
        }
    }
}
