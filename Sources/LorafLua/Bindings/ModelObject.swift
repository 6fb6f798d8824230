import Foundation
import LorafModels
import LorafStrategies
import LorafGeneration
import LorafTemplates
import LorafTensor
import LorafTokenizers
import LorafTraining

/// What a Lua `Model` value holds: the adapted model, and the tokenizer and chat template of the folder or GGUF
/// file it came from.
final class ModelObject {
    let adapted: AdaptedModel
    /// The model folder or GGUF file, also written as `base_model_name_or_path` when an adapter is saved.
    let directory: URL
    /// The model's tokenizer, or why it could not be loaded (reported when texts are given).
    let tokenizer: Result<any Tokenizer, Error>
    /// The model's chat template, or why it could not be read (nil: it has none).
    let chatTemplate: Result<ChatTemplate?, Error>

    /// The context `model:forward` uses in training mode, kept across calls so its dropout generator advances as
    /// `loraf.train`'s does; `model:train{seed = n}` starts it afresh from `Trainer.dropoutGenerator(seed:)`.
    lazy var trainingContext = ForwardContext(training: true, rng: Trainer.dropoutGenerator(seed: TrainingConfig().seed))
    /// Identifies the next forward hook (`model:on_forward`).
    var nextHookID = 1

    init(adapted: AdaptedModel, directory: URL, tokenizer: Result<any Tokenizer, Error>, chatTemplate: Result<ChatTemplate?, Error> = .success(nil)) {
        self.adapted = adapted
        self.directory = directory
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate
    }

    /// The tokenizer, or a Lua error for `function` saying why there is none.
    func loadedTokenizer(for function: String) throws -> any Tokenizer {
        switch tokenizer {
        case .success(let loaded): return loaded
        case .failure(let error): throw LuaError.argument("\(function): the model has no usable tokenizer: \(describe(error))")
        }
    }

    /// The WordPiece tokenizer that classification training and evaluation read data with.
    func classificationTokenizer(for function: String) throws -> WordPieceTokenizer {
        guard let wordPiece = try loadedTokenizer(for: function) as? WordPieceTokenizer else {
            throw LuaError.argument("\(function): classification data is tokenized with a WordPiece (BERT) tokenizer; this model's is \(type(of: try loadedTokenizer(for: function)))")
        }
        return wordPiece
    }

    /// The model (for generation) with its tokenizer and chat template.
    func languageModel(for function: String) throws -> LanguageModel {
        LanguageModel(model: adapted, tokenizer: try loadedTokenizer(for: function), chatTemplate: try chatTemplate.get(), source: directory)
    }

    /// Runs `body` in evaluation mode without recording gradients, restoring the previous mode afterwards.
    func evaluating<R>(_ body: () throws -> R) rethrows -> R { try adapted.evaluating(body) }
}

/// Building an ``ModelInput`` from the named arguments of `model:forward`, `model:predict` and `model:embed`.
enum ModelInputs {
    /// Keys that describe a batch.
    static let textKeys = ["texts", "pairs", "max_length"]
    static let tensorKeys = ["input_ids", "attention_mask", "token_type_ids"]

    /// The batch of `texts` (tokenized, padded to the longest) or of `input_ids`/`attention_mask`/`token_type_ids`,
    /// with `adapterNames` per example.
    /// - Throws: ``LuaError`` naming the argument for a missing or ambiguous batch, a bad value, or a model whose
    ///   folder has no tokenizer when texts are given.
    static func batch(_ options: LuaOptions, model: ModelObject, adapterNames: [String?]? = nil) throws -> ModelInput {
        if case .object(let inputs as InputsObject) = options.value("inputs") {
            for key in textKeys + tensorKeys where options.value(key).isPresent {
                throw LuaError.argument("\(options.function): '\(key)' goes with 'texts' or 'input_ids', not with 'inputs'")
            }
            var input = inputs.input
            if let adapterNames {
                input = try ModelInput(inputIds: input.inputIds, attentionMask: input.attentionMask, positionIds: input.positionIds,
                                       tokenTypeIds: input.tokenTypeIds, adapterNames: adapterNames)
            }
            return input
        }
        if options.value("inputs").isPresent { throw options.error("inputs", mustBe: "the inputs of a batch from loraf.batches") }
        let texts = try options.stringList("texts")
        let hasIds = options.value("input_ids").isPresent
        guard (texts != nil) != hasIds else {
            throw LuaError.argument("\(options.function): give either 'texts' or 'input_ids'")
        }
        if let texts {
            guard !texts.isEmpty else { throw options.error("texts", mustBe: "a non-empty list of strings") }
            let tokenizer = try model.loadedTokenizer(for: options.function)
            guard let wordPiece = tokenizer as? WordPieceTokenizer else {
                guard !options.value("pairs").isPresent else { throw options.error("pairs", mustBe: "absent: text pairs need a WordPiece (BERT) tokenizer") }
                return try paddedBatch(texts, tokenizer, maxLength: try options.positiveInteger("max_length"), adapterNames: adapterNames)
            }
            let encoded = try wordPiece.encodeBatch(texts, pairs: try options.stringList("pairs"),
                                                    maxLength: try options.positiveInteger("max_length"))
            let shape = [encoded.batchSize, encoded.sequenceLength]
            func matrix(_ values: [Int32]) throws -> IntTensor { try IntTensor(shape: shape, scalars: values.map { Int($0) }) }
            return try ModelInput(inputIds: matrix(encoded.inputIds), attentionMask: matrix(encoded.attentionMask),
                                    tokenTypeIds: matrix(encoded.tokenTypeIds), adapterNames: adapterNames)
        }
        for key in textKeys where options.value(key).isPresent {
            throw LuaError.argument("\(options.function): '\(key)' goes with 'texts', not with 'input_ids'")
        }
        guard let inputIds = try ids(options, "input_ids") else { throw options.error("input_ids", mustBe: "present") }
        return try ModelInput(inputIds: inputIds, attentionMask: try ids(options, "attention_mask"),
                                tokenTypeIds: try ids(options, "token_type_ids"), adapterNames: adapterNames)
    }

    /// Texts encoded with the tokenizer's special tokens, cut to `maxLength` and right-padded to the longest (pad:
    /// the tokenizer's pad, else EOS, else 0; the mask marks the padding).
    private static func paddedBatch(_ texts: [String], _ tokenizer: any Tokenizer, maxLength: Int?, adapterNames: [String?]?) throws -> ModelInput {
        let encoded = try texts.map { text -> [Int] in
            let ids = try tokenizer.encodeIds(text, addSpecialTokens: true)
            return maxLength.map { Array(ids.prefix($0)) } ?? ids
        }
        let width = Swift.max(1, encoded.map(\.count).max() ?? 1), pad = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0
        let ids = encoded.flatMap { $0 + [Int](repeating: pad, count: width - $0.count) }
        let mask = encoded.flatMap { [Int](repeating: 1, count: $0.count) + [Int](repeating: 0, count: width - $0.count) }
        return try ModelInput(inputIds: IntTensor(shape: [texts.count, width], scalars: ids),
                              attentionMask: IntTensor(shape: [texts.count, width], scalars: mask), adapterNames: adapterNames)
    }

    /// The [batch, seq] integer matrix under `key` (a tensor or lists of lists), nil when absent.
    private static func ids(_ options: LuaOptions, _ key: String) throws -> IntTensor? {
        guard options.value(key).isPresent else { return nil }
        do {
            let ids = try TensorConversion.intTensor(from: options.value(key))
            guard ids.shape.count == 2 else { throw ConversionError("shape \(ids.shape) is not [batch, sequence]") }
            return ids
        } catch let failure as ConversionError {
            throw options.error(key, mustBe: "a [batch, sequence] matrix of integer ids (\(failure.reason))")
        }
    }

    /// `adapter_names`: one entry per example, an adapter name, or false or "" for the base model.
    static func adapterNames(_ options: LuaOptions) throws -> [String?]? {
        let value = options.value("adapter_names")
        guard value.isPresent else { return nil }
        guard case .list(let items) = value else { throw options.error("adapter_names", mustBe: "a list of adapter names") }
        return try items.map { item in
            switch item {
            case .string(let name): return name.isEmpty ? nil : name
            case .boolean(false): return nil
            default: throw options.error("adapter_names", mustBe: "a list of adapter names, false or \"\" (base model)")
            }
        }
    }
}

extension LuaValue {
    /// Whether the value is anything but nil.
    var isPresent: Bool {
        if case .nil = self { return false }
        return true
    }
}
