import LorafTensor

/// A Llama-family decoder with its language-modelling head, as transformers' LlamaForCausalLM: children `model`
/// (``LlamaModel``) and `lm_head` (Linear H → vocab, no bias). With tied embeddings (`tie_word_embeddings`,
/// SmolLM2) `lm_head` holds the very tensor of `model.embed_tokens.weight`.
public final class LlamaForCausalLM: Module, TransformerModel {
    public let config: LlamaConfig

    public init(_ config: LlamaConfig, seed: UInt64 = 0) throws {
        self.config = config
        var rng = RandomGenerator(seed: seed, stream: 3)
        super.init()
        let body = try LlamaModel(config, seed: seed)
        register(child: "model", body)
        let head = Linear(inFeatures: config.hiddenSize, outFeatures: config.vocabSize, bias: false,
                          initialization: .normal(std: config.initializerRange), rng: &rng)
        if config.tieWordEmbeddings, let table = body.module(at: "embed_tokens")?.parameterIfPresent("weight") {
            head.register(parameter: "weight", table)
        }
        register(child: "lm_head", head)
    }

    public override var kind: String { "LlamaForCausalLM" }
    public var task: ModelTask { .causalLM }
    public var headModulePaths: [String] { ["lm_head"] }
    public var bodyPrefix: String { "model" }
    public var modelType: String { config.modelType }

    /// input ids [B, S] → logits [B, S, vocab] (or [B, logitsToKeep, vocab], or [N, vocab] at the N
    /// `logitPositions`) and the hidden states. Without a cache only real tokens are computed (padding positions'
    /// hidden states and logits are 0).
    /// - Throws: `ModelError.invalid` for a logit position outside 0..<B·S, or (without a cache) at a padding slot;
    ///   the body's errors.
    public func forward(_ input: ModelInput, _ context: ForwardContext) throws -> ModelOutput {
        guard let body = childIfPresent("model") as? LlamaModel else { throw ModelError.invalid("LlamaForCausalLM lacks 'model'") }
        let rows = input.batchSize * input.sequenceLength
        if let bad = input.logitPositions?.first(where: { $0 < 0 || $0 >= rows }) {
            throw ModelError.invalid("logit position \(bad) is outside 0..<\(rows) (batch × sequence length)")
        }
        var output: ModelOutput
        var picked: Tensor?
        if input.cache == nil {
            let (hidden, packing) = try body.forwardPacked(input, context)
            output = ModelOutput(lastHiddenState: try packing.unpacked(hidden))
            if let positions = input.logitPositions {
                let indices = try zip(positions, packing.packedIndices(ofSlots: positions)).map { position, index -> Int in
                    guard let index else { throw ModelError.invalid("logit position \(position) is a padding slot (attention mask 0)") }
                    return index
                }
                picked = try Tensor.embedding(IntTensor(shape: [indices.count], scalars: indices), weight: hidden)
            }
        } else {
            output = try body.forward(input, context)
            if let positions = input.logitPositions {
                picked = try Tensor.embedding(IntTensor(shape: [positions.count], scalars: positions),
                                              weight: output.lastHiddenState.reshaped([rows, config.hiddenSize]))
            }
        }
        guard let picked, let positions = input.logitPositions else {
            output.logits = try child("lm_head").forward(keptPositions(output.lastHiddenState, input), context)
            return output
        }
        output.logits = try context.withRowExamples(positions.map { $0 / input.sequenceLength }) {
            try child("lm_head").forward(picked, context)
        }
        return output
    }

    /// The last `logitsToKeep` positions of hidden [B, S, H] (all without it).
    private func keptPositions(_ hidden: Tensor, _ input: ModelInput) throws -> Tensor {
        guard let keep = input.logitsToKeep, keep < input.sequenceLength else { return hidden }
        return try hidden.slice(axis: 1, (input.sequenceLength - Swift.max(keep, 1))..<input.sequenceLength)
    }
}

/// A Llama-family decoder with a classification head, as transformers' LlamaForSequenceClassification: children
/// `model` and `score` (Linear H → num_labels, no bias), read at each row's last real token.
public final class LlamaForSequenceClassification: Module, TransformerModel {
    public let config: LlamaConfig
    public let labelCount: Int

    public init(_ config: LlamaConfig, numLabels: Int, seed: UInt64 = 0) throws {
        guard numLabels >= 1 else { throw ModelError.invalid("num_labels must be at least 1, got \(numLabels)") }
        self.config = config
        labelCount = numLabels
        var rng = RandomGenerator(seed: seed, stream: 3)
        super.init()
        register(child: "model", try WeightInitialization.with(drawing: false) { try LlamaModel(config, seed: seed) })
        register(child: "score", Linear(inFeatures: config.hiddenSize, outFeatures: numLabels, bias: false,
                                        initialization: .normal(std: config.initializerRange), rng: &rng))
    }

    public override var kind: String { "LlamaForSequenceClassification" }
    public var task: ModelTask { .classification(numLabels: labelCount) }
    public var headModulePaths: [String] { ["score"] }
    public var bodyPrefix: String { "model" }
    public var modelType: String { config.modelType }

    /// input ids [B, S] → logits [B, num_labels] from the hidden state of each row's last token whose mask is 1.
    public func forward(_ input: ModelInput, _ context: ForwardContext) throws -> ModelOutput {
        guard let body = childIfPresent("model") as? LlamaModel else { throw ModelError.invalid("LlamaForSequenceClassification lacks 'model'") }
        var output = try body.forward(input, context)
        let s = input.sequenceLength
        let last = try (0..<input.batchSize).map { row -> Tensor in
            let index = input.attentionMask.row(row).lastIndex(of: 1).map { $0 - row * s } ?? s - 1
            return try output.lastHiddenState.slice(axis: 0, row..<(row + 1)).slice(axis: 1, index..<(index + 1))
        }
        let pooled = try Tensor.concat(last, axis: 0).reshaped([input.batchSize, config.hiddenSize])
        output.poolerOutput = pooled
        output.logits = try child("score").forward(pooled, context)
        return output
    }
}
