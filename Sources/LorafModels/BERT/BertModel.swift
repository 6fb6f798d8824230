import LorafTensor

/// The BERT encoder (transformers' BertModel): children `embeddings`, `encoder` (with `layer.0` ...
/// `layer.{N-1}`) and `pooler` (dense + tanh over the first token). Built from a `BertConfig`; weights come from
/// `ModelLoader`.
public final class BertModel: Module, TransformerModel {
    public let config: BertConfig

    public init(_ config: BertConfig, addPooler: Bool = true, seed: UInt64 = 0) throws {
        try config.validate(source: "config")
        self.config = config
        var rng = RandomGenerator(seed: seed, stream: 2)
        super.init()
        register(child: "embeddings", BertEmbeddings(config, rng: &rng))
        let layers = try (0..<config.numHiddenLayers).map { _ in try BertLayer(config, rng: &rng) }
        let encoder = Module()
        encoder.register(child: "layer", ModuleList(layers))
        register(child: "encoder", encoder)
        if addPooler {
            let pooler = Module()
            pooler.register(child: "dense", Linear(inFeatures: config.hiddenSize, outFeatures: config.hiddenSize,
                                                   initialization: .normal(std: config.initializerRange), rng: &rng))
            register(child: "pooler", pooler)
        }
    }

    public override var kind: String { "BertModel" }
    public var task: ModelTask { .base }
    public var headModulePaths: [String] { [] }
    public var bodyPrefix: String { "" }
    public var modelType: String { config.modelType }

    /// Runs the encoder on the batch's real tokens only (``PackedTokens``: no work on padding, attention per
    /// sequence); `lastHiddenState` [B, S, H] holds them at their positions and 0 at padding positions (transformers
    /// computes values there that nothing reads). The pooler reads each row's first position. With
    /// ``ModelInput/headOnly`` and a pooler, the last block finishes only those positions and `lastHiddenState` is
    /// [B, 1, H] (0 for a row whose first position is padding).
    public func forward(_ input: ModelInput, _ context: ForwardContext) throws -> ModelOutput {
        guard let embeddings = childIfPresent("embeddings") as? BertEmbeddings,
              let layers = module(at: "encoder.layer") as? ModuleList else {
            throw ModelError.invalid("BertModel lacks embeddings or encoder.layer")
        }
        guard input.cache == nil else { throw ModelError.invalid("BertModel is an encoder: it takes no key/value cache") }
        let packed = PackedTokens(attentionMask: input.attentionMask)
        let s = input.sequenceLength
        let positions = try input.positionIds.map(packed.gather) ?? IntTensor(shape: [packed.count], scalars: packed.slots.map { $0 % s })
        let tokenTypes = try input.tokenTypeIds.map(packed.gather) ?? IntTensor(shape: [packed.count], scalars: [Int](repeating: 0, count: packed.count))
        let layout = try packed.attentionLayout(heads: config.numAttentionHeads, kvHeads: config.numAttentionHeads,
                                                headDim: config.hiddenSize / config.numAttentionHeads, causal: false)
        // With headOnly the last block keeps each row's first token (the pooler's input) after attention.
        let firstTokens = packed.slots.indices.filter { packed.slots[$0] % s == 0 }
        let lastBlock = input.headOnly && childIfPresent("pooler") != nil ? layers.items.last(where: { $0 is BertLayer }) : nil
        let tokens = try context.withRowExamples(packed.tokenExamples) {
            let embedded = try embeddings.forward(inputIds: packed.gather(input.inputIds), tokenTypeIds: tokenTypes,
                                                  positionIds: positions, context)
            return try layers.forwardBlocks(embedded, context) { (layer: BertLayer, x, context) in
                try layer.forward(x, tokens: packed, layout: layout, keeping: layer === lastBlock ? firstTokens : nil, context)
            }
        }
        let hidden = lastBlock == nil ? try packed.unpacked(tokens)
            : try tokens.scatteredRows(to: firstTokens.map { packed.slots[$0] / s }, rowCount: input.batchSize)
                .reshaped([input.batchSize, 1, config.hiddenSize])
        var pooled: Tensor?
        if let pooler = childIfPresent("pooler") {
            let first = try hidden.slice(axis: 1, 0..<1).reshaped([input.batchSize, config.hiddenSize])
            pooled = try pooler.child("dense").forward(first, context).tanh()
        }
        return ModelOutput(lastHiddenState: hidden, poolerOutput: pooled, logits: nil)
    }
}

/// BERT with a classification head, as transformers' BertForSequenceClassification: children `bert`
/// (BertModel with pooler), `dropout` (hidden_dropout_prob) and `classifier` (Linear H → num_labels, weight
/// N(0, initializer_range), bias 0). logits = classifier(dropout(pooler_output)).
public final class BertForSequenceClassification: Module, TransformerModel {
    public let config: BertConfig
    public let labelCount: Int
    public var task: ModelTask { .classification(numLabels: labelCount) }

    /// - Parameter initializeBody: draw random weights for the BERT body (false when a checkpoint will fill it;
    ///   the classifier head is always initialised).
    public init(_ config: BertConfig, numLabels: Int, seed: UInt64 = 0, initializeBody: Bool = true) throws {
        guard numLabels >= 1 else { throw ModelError.invalid("num_labels must be at least 1, got \(numLabels)") }
        self.config = config
        labelCount = numLabels
        var rng = RandomGenerator(seed: seed, stream: 3)
        super.init()
        register(child: "bert", try WeightInitialization.with(drawing: initializeBody) { try BertModel(config, addPooler: true, seed: seed) })
        register(child: "dropout", Dropout(p: config.hiddenDropoutProb))
        register(child: "classifier", Linear(inFeatures: config.hiddenSize, outFeatures: numLabels,
                                             initialization: .normal(std: config.initializerRange), rng: &rng))
    }

    public override var kind: String { "BertForSequenceClassification" }
    public var headModulePaths: [String] { ["classifier"] }
    public var bodyPrefix: String { "bert" }
    public var modelType: String { config.modelType }

    public func forward(_ input: ModelInput, _ context: ForwardContext) throws -> ModelOutput {
        guard let bert = childIfPresent("bert") as? BertModel else { throw ModelError.invalid("classification model lacks 'bert'") }
        var output = try bert.forward(input, context)
        guard let pooled = output.poolerOutput else { throw ModelError.invalid("classification needs the pooler") }
        output.logits = try child("classifier").forward(child("dropout").forward(pooled, context), context)
        return output
    }
}

/// Sentence embeddings as sentence-transformers' mean pooling: the average of `lastHiddenState` [B, S, H] over
/// positions where `attentionMask` [B, S] is 1 → [B, H]. Differentiable.
public func meanPooled(_ lastHiddenState: Tensor, attentionMask: IntTensor) throws -> Tensor {
    let b = attentionMask.shape[0], s = attentionMask.shape[1]
    let weights = try Tensor(shape: [b, s, 1], scalars: attentionMask.scalars.map { Float($0) })
    let counts = try Tensor(shape: [b, 1], scalars: (0..<b).map { i in Swift.max(1, Float(attentionMask.row(i).reduce(0, +))) })
    return try (lastHiddenState * weights).sum(axes: [1]) / counts
}
