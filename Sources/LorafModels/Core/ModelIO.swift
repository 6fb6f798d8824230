import LorafTensor

/// A batch for an encoder: token ids, attention mask (1 = token, 0 = padding) and token type ids, all [B, S].
/// `adapterNames` optionally names, per example, the adapter to use (nil = the base model): mixed-adapter batches.
public struct EncoderInput {
    public var inputIds: IntTensor
    public var attentionMask: IntTensor
    public var tokenTypeIds: IntTensor
    public var adapterNames: [String?]?

    /// - Throws: `ModelError.invalid` when the tensors are not all [B, S] or adapterNames has another length than B.
    public init(inputIds: IntTensor, attentionMask: IntTensor? = nil, tokenTypeIds: IntTensor? = nil, adapterNames: [String?]? = nil) throws {
        guard inputIds.shape.count == 2 else { throw ModelError.invalid("input_ids must be [batch, seq], got \(inputIds.shape)") }
        func filled(_ value: Int) throws -> IntTensor {
            try IntTensor(shape: inputIds.shape, scalars: [Int](repeating: value, count: inputIds.count))
        }
        self.inputIds = inputIds
        self.attentionMask = try attentionMask ?? filled(1)
        self.tokenTypeIds = try tokenTypeIds ?? filled(0)
        self.adapterNames = adapterNames
        guard self.attentionMask.shape == inputIds.shape else {
            throw ModelError.invalid("attention_mask has shape \(self.attentionMask.shape) but input_ids has \(inputIds.shape)")
        }
        guard self.tokenTypeIds.shape == inputIds.shape else {
            throw ModelError.invalid("token_type_ids has shape \(self.tokenTypeIds.shape) but input_ids has \(inputIds.shape)")
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

/// What an encoder returns: `lastHiddenState` [B, S, H], `poolerOutput` [B, H] (when the model has a pooler) and
/// `logits` [B, num_labels] (classification models).
public struct EncoderOutput {
    public var lastHiddenState: Tensor
    public var poolerOutput: Tensor?
    public var logits: Tensor?
}

/// A complete model that strategies adapt and the trainer trains: a module tree plus a forward pass over a batch.
public protocol TransformerModel: Module {
    /// Runs the model. Training mode and dropout come from `context`.
    func forward(_ input: EncoderInput, _ context: ForwardContext) throws -> EncoderOutput
    /// Paths of task-head modules (e.g. ["classifier"]): trained in full by default, excluded from "all-linear".
    var headModulePaths: [String] { get }
    /// Path prefix of the pre-trained body inside this model ("bert" in a classification model, "" for BertModel);
    /// checkpoint keys of the bare body are looked up under it.
    var bodyPrefix: String { get }
    /// The family name as in config.json ("bert").
    var modelType: String { get }
    /// Outputs of the classification head (nil for a model without one).
    var numLabels: Int? { get }
}

extension TransformerModel {
    /// A fresh context in this model's current mode.
    public func makeContext(seed: UInt64 = 0) -> ForwardContext { ForwardContext(training: isTraining, rng: RandomGenerator(seed: seed, stream: 1)) }
}
