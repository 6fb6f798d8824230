import LorafTensor

/// Where a model's configuration comes from. Each family reads its own fields from either: config.json keys
/// (`hidden_size`) or GGUF metadata keys (`llama.embedding_length`).
public enum ModelConfigSource {
    /// A Hugging Face config.json.
    case json(ConfigReader)
    /// The metadata of a GGUF file.
    case gguf(ConfigReader)

    /// The reader, whichever the source.
    public var reader: ConfigReader {
        switch self {
        case let .json(reader), let .gguf(reader): return reader
        }
    }
}

/// One model architecture: how to build its module tree from a configuration and how checkpoint names map to its
/// parameter paths. BERT and Llama (with Qwen2 and Mistral as variants) register the same way, in
/// ``ModelFamilyRegistry``; nothing outside a family's folder knows its layers.
public protocol ModelFamily {
    /// A name for messages and listings ("bert", "llama").
    var name: String { get }
    /// config.json `model_type` values this family builds.
    var modelTypes: [String] { get }
    /// GGUF `general.architecture` values this family builds (empty: no GGUF support).
    var ggufArchitectures: [String] { get }
    /// Tasks the family has heads for.
    var tasks: [ModelTask] { get }
    /// Builds the model for `task`. The body's weights are left for a checkpoint to fill (no random draws); a new
    /// task head is initialised from `seed`.
    /// - Throws: `ModelError.invalid` naming the source and field of a missing or inconsistent config value.
    func build(_ config: ModelConfigSource, task: ModelTask, seed: UInt64) throws -> TransformerModel
    /// The model parameter path that a GGUF tensor name fills (`blk.3.attn_q.weight` →
    /// `model.layers.3.self_attn.q_proj.weight`), or nil for a tensor this family does not use.
    func parameterPath(ggufTensor name: String, in model: TransformerModel) -> String?
    /// For a GGUF checkpoint, the permutation to apply to the rows of parameter `path` so that row i of the
    /// Hugging Face tensor is row `permutation[i]` of the file's (llama.cpp stores q/k rows interleaved for its
    /// RoPE), or nil when the rows are stored as Hugging Face has them.
    func ggufRowPermutation(forParameter path: String, in model: TransformerModel) -> [Int]?
    /// The GGUF tensor name of parameter `path` (`model.layers.3.self_attn.q_proj.weight` →
    /// `blk.3.attn_q.weight`): the inverse of `parameterPath(ggufTensor:in:)`, used to write llama.cpp files
    /// (LoRA adapters). Nil for a parameter llama.cpp has no tensor for.
    func ggufTensorName(forParameter path: String, in model: TransformerModel) -> String?
    /// The fields of a transformers config.json describing `model` (JSON-serialisable values), used to write merged
    /// models as Hugging Face folders; nil when the family cannot describe it that way.
    func huggingFaceConfig(of model: TransformerModel) -> [String: Any]?
}

extension ModelFamily {
    public var ggufArchitectures: [String] { [] }
    public func parameterPath(ggufTensor name: String, in model: TransformerModel) -> String? { nil }
    public func ggufRowPermutation(forParameter path: String, in model: TransformerModel) -> [Int]? { nil }
    public func ggufTensorName(forParameter path: String, in model: TransformerModel) -> String? { nil }
    public func huggingFaceConfig(of model: TransformerModel) -> [String: Any]? { nil }
}

/// The model families loraf can build, keyed by config.json `model_type` and GGUF `general.architecture`.
/// Built-in families register at start; a plugin may add one with `register`.
public final class ModelFamilyRegistry {
    nonisolated(unsafe) public static let shared = ModelFamilyRegistry()
    private var families: [ModelFamily] = []

    private init() {
        register(BertFamily())
        register(LlamaFamily())
    }

    /// Adds a family; a later registration wins for the model types and architectures it names.
    public func register(_ family: ModelFamily) { families.insert(family, at: 0) }

    /// The family that builds config.json `model_type`. Throws listing the supported types.
    public func family(modelType: String, source: String) throws -> ModelFamily {
        guard let family = families.first(where: { $0.modelTypes.contains(modelType) }) else {
            throw ModelError.invalid("\(source): model_type '\(modelType)' is not supported (supported: \(supportedModelTypes.joined(separator: ", ")))")
        }
        return family
    }

    /// The family that builds GGUF `general.architecture`. Throws listing the supported architectures.
    public func family(ggufArchitecture: String, source: String) throws -> ModelFamily {
        guard let family = families.first(where: { $0.ggufArchitectures.contains(ggufArchitecture) }) else {
            let known = Set(families.flatMap(\.ggufArchitectures)).sorted().joined(separator: ", ")
            throw ModelError.invalid("\(source): general.architecture '\(ggufArchitecture)' is not supported (supported: \(known))")
        }
        return family
    }

    /// Every config.json model_type with a registered family, sorted.
    public var supportedModelTypes: [String] { Set(families.flatMap(\.modelTypes)).sorted() }
}
