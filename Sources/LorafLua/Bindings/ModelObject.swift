import Foundation
import LorafModels
import LorafStrategies
import LorafTensor
import LorafTokenizers

/// What a Lua `Model` value holds: the adapted model and the tokenizer of the folder it came from.
final class ModelObject {
    let adapted: AdaptedModel
    /// The model folder, also written as `base_model_name_or_path` when an adapter is saved.
    let directory: URL
    /// The folder's tokenizer, or why it could not be loaded (reported when texts are given).
    let tokenizer: Result<WordPieceTokenizer, Error>

    init(adapted: AdaptedModel, directory: URL, tokenizer: Result<WordPieceTokenizer, Error>) {
        self.adapted = adapted
        self.directory = directory
        self.tokenizer = tokenizer
    }

    /// Runs `body` in evaluation mode without recording gradients, restoring the previous mode afterwards.
    func evaluating<R>(_ body: () throws -> R) rethrows -> R {
        let wasTraining = adapted.base.isTraining
        adapted.base.eval()
        defer { if wasTraining { adapted.base.train() } }
        return try GradMode.disabled(body)
    }
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
        let texts = try options.stringList("texts")
        let hasIds = options.value("input_ids").isPresent
        guard (texts != nil) != hasIds else {
            throw LuaError.argument("\(options.function): give either 'texts' or 'input_ids'")
        }
        if let texts {
            guard !texts.isEmpty else { throw options.error("texts", mustBe: "a non-empty list of strings") }
            let tokenizer: WordPieceTokenizer
            switch model.tokenizer {
            case .success(let loaded): tokenizer = loaded
            case .failure(let error): throw LuaError.argument("\(options.function): 'texts' needs the model folder's tokenizer: \(describe(error))")
            }
            let encoded = try tokenizer.encodeBatch(texts, pairs: try options.stringList("pairs"),
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
