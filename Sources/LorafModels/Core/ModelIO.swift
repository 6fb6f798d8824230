import LorafTensor

/// A batch for any model family: token ids, attention mask (1 = token, 0 = padding) and, optionally, position ids
/// and token type ids, all [B, S].
///
/// - `positionIds`: nil means each family's default (BERT: 0..<S; a decoder: the count of real tokens before each
///   position plus the tokens already in `cache`, so left-padded rows start at 0 as transformers' `generate` does).
/// - `tokenTypeIds`: segment ids for families that have them (BERT); nil = all zeros.
/// - `adapterNames`: optionally, per example, the adapter to use (nil = the base model): mixed-adapter batches.
/// - `cache`: a decoder's key/value cache; the batch then continues the sequences the cache holds (generation).
/// - `logitsToKeep`: a causal LM computes logits for the last this many positions only (nil: all), as
///   transformers' `logits_to_keep`; generation needs only the last.
/// - `logitPositions`: a causal LM computes logits only at these flat positions `b·S + t` (in this order, each a real
///   token), giving logits [N, vocab]: training needs them only where a label is scored. Overrides `logitsToKeep`.
/// - `headOnly`: the caller reads only the head's output (logits, pooler output), not `lastHiddenState`; a family may
///   then skip work whose only use is hidden states the head never reads: BERT's last block runs its attention output
///   and feed-forward block for each row's first token only (what the pooler reads), and `lastHiddenState` is then
///   [B, 1, H]. The head's outputs are the same (dropout masks of the skipped rows are not drawn).
/// - Without a cache, models compute only the real tokens (``PackedTokens``); outputs at padding slots are 0.
/// - An attention mask may hold segment numbers 1, 2, ... instead of 1 (decoders): a token then attends only to
///   tokens of its own segment, which keeps examples packed into one row apart (with `positionIds` restarting
///   at 0 for each).
public struct ModelInput {
    public var inputIds: IntTensor
    public var attentionMask: IntTensor
    public var positionIds: IntTensor?
    public var tokenTypeIds: IntTensor?
    public var adapterNames: [String?]?
    public var cache: KeyValueCache?
    public var logitsToKeep: Int?
    public var logitPositions: [Int]?
    public var headOnly = false

    /// - Throws: `ModelError.invalid` when the tensors are not all [B, S] or adapterNames has another length than B.
    public init(inputIds: IntTensor, attentionMask: IntTensor? = nil, positionIds: IntTensor? = nil, tokenTypeIds: IntTensor? = nil,
                adapterNames: [String?]? = nil, cache: KeyValueCache? = nil) throws {
        guard inputIds.shape.count == 2 else { throw ModelError.invalid("input_ids must be [batch, seq], got \(inputIds.shape)") }
        self.inputIds = inputIds
        self.attentionMask = try attentionMask ?? IntTensor(shape: inputIds.shape, scalars: [Int](repeating: 1, count: inputIds.count))
        self.positionIds = positionIds
        self.tokenTypeIds = tokenTypeIds
        self.adapterNames = adapterNames
        self.cache = cache
        for (name, tensor) in [("attention_mask", self.attentionMask), ("position_ids", positionIds), ("token_type_ids", tokenTypeIds)] {
            if let tensor, tensor.shape != inputIds.shape {
                throw ModelError.invalid("\(name) has shape \(tensor.shape) but input_ids has \(inputIds.shape)")
            }
        }
        if let names = adapterNames, names.count != inputIds.shape[0] {
            throw ModelError.invalid("adapter_names has \(names.count) entries but the batch has \(inputIds.shape[0]) examples")
        }
    }

    /// Batch size B.
    public var batchSize: Int { inputIds.shape[0] }
    /// Sequence length S.
    public var sequenceLength: Int { inputIds.shape[1] }
}

/// What a model returns: `lastHiddenState` [B, S, H]; `poolerOutput` [B, H] for encoders with a pooler; `logits`
/// [B, num_labels] for sequence classification or [B, S, vocab] for a causal LM.
public struct ModelOutput {
    public var lastHiddenState: Tensor
    public var poolerOutput: Tensor?
    public var logits: Tensor?

    public init(lastHiddenState: Tensor, poolerOutput: Tensor? = nil, logits: Tensor? = nil) {
        self.lastHiddenState = lastHiddenState
        self.poolerOutput = poolerOutput
        self.logits = logits
    }
}

/// A complete model that strategies adapt and the trainer trains: a module tree plus a forward pass over a batch.
/// Every registered family (docs/architecture.md, ``ModelFamilyRegistry``) builds models of this protocol.
public protocol TransformerModel: Module {
    /// Runs the model. Training mode, dropout and the adapters in use come from `context`.
    func forward(_ input: ModelInput, _ context: ForwardContext) throws -> ModelOutput
    /// What the model was built for (its head).
    var task: ModelTask { get }
    /// Paths of task-head modules trained in full by default for classification (["classifier"], ["score"]);
    /// excluded from "all-linear" (an lm_head is listed too, so LoRA leaves it alone as PEFT does).
    var headModulePaths: [String] { get }
    /// Path prefix of the pre-trained body inside this model ("bert" in a classification model, "" for BertModel);
    /// checkpoint keys of the bare body are looked up under it.
    var bodyPrefix: String { get }
    /// The family name as in config.json `model_type` ("bert", "llama").
    var modelType: String { get }
}

extension TransformerModel {
    /// A fresh context in this model's current mode.
    public func makeContext(seed: UInt64 = 0) -> ForwardContext { ForwardContext(training: isTraining, rng: RandomGenerator(seed: seed, stream: 1)) }
    /// Outputs of the classification head (nil for a model without one).
    public var numLabels: Int? {
        if case let .classification(numLabels) = task { return numLabels }
        return nil
    }
}
