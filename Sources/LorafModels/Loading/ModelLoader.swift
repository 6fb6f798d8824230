import Foundation
import LorafFormats
import LorafTensor

/// Builds models of any registered family (``ModelFamilyRegistry``) from the files people have: a Hugging Face
/// folder (config.json + model.safetensors, or shards with model.safetensors.index.json) or a GGUF file.
public enum ModelLoader {
    /// Loads the model at `url` (a folder or a `.gguf` file) for `task`. `seed` fixes the initialisation of anything
    /// the checkpoint lacks (a new classification head).
    /// - Throws: `ModelError` naming the file and field for a bad config or an unsupported family, and naming the
    ///   tensor for a missing tensor, a tensor of the wrong shape (which is also how a config that disagrees with the
    ///   weights shows) or one the model has no place for; `SafeTensorsError`, `GGUFError` or `WeightSourceError`
    ///   for a corrupt or missing weights file.
    public static func load(_ url: URL, task: ModelTask, seed: UInt64 = 0) throws -> TransformerModel {
        try load(ModelFiles.open(url), task: task, seed: seed)
    }

    /// Loads the model in `files` (opened once with ``ModelFiles/open(_:)``, so ``ModelTextFiles`` can read the
    /// tokenizer from the same parsed file) for `task`.
    /// - Throws: as ``load(_:task:seed:)``.
    public static func load(_ files: ModelFiles, task: ModelTask, seed: UInt64 = 0) throws -> TransformerModel {
        let model: TransformerModel
        switch files {
        case let .folder(url): model = try loadFolder(url, task: task, seed: seed)
        case let .gguf(file): model = try loadGGUF(file, task: task, seed: seed)
        }
        model.eval()
        return model
    }

    /// config.json + safetensors: checkpoint names are the model's parameter paths, or the bare body's (looked
    /// up under the model's `bodyPrefix`).
    static func loadFolder(_ directory: URL, task: ModelTask, seed: UInt64) throws -> TransformerModel {
        let config = try ConfigReader.json(contentsOf: directory.appendingPathComponent("config.json"))
        let family = try ModelFamilyRegistry.shared.family(modelType: try config.string("model_type") ?? "", source: config.source)
        let model = try family.build(.json(config), task: task, seed: seed)
        let source = try WeightSources.open(directory)
        let prefix = model.bodyPrefix
        try CheckpointLoading(model: model, source: source, optional: newHeadPaths(model)).run(
            path: { name in
                if ignoredSuffixes.contains(where: { name.hasSuffix($0) }) || ignoredPrefixes.contains(where: { name.hasPrefix($0) }) { return .ignored }
                return .candidates([name] + (prefix.isEmpty ? [] : [prefix + "." + name]))
            }, rowOrder: { _ in nil })
        return model
    }

    /// A GGUF file: the configuration comes from its metadata, the family from `general.architecture`, and the
    /// family's name table maps tensor names (undoing llama.cpp's q/k row order).
    static func loadGGUF(_ file: GGUFFile, task: ModelTask, seed: UInt64) throws -> TransformerModel {
        let config = GGUFConfig.reader(file)
        let family = try ModelFamilyRegistry.shared.family(ggufArchitecture: try config.string("general.architecture") ?? "", source: file.url.path)
        let model = try family.build(.gguf(config), task: task, seed: seed)
        try CheckpointLoading(model: model, source: file, optional: newHeadPaths(model)).run(
            path: { name in family.parameterPath(ggufTensor: name, in: model).map { .candidates([$0]) } ?? .unexpected },
            rowOrder: { path in family.ggufRowPermutation(forParameter: path, in: model) })
        return model
    }

    /// A new classification head may be absent from the checkpoint; an lm_head may not (unless tied).
    static func newHeadPaths(_ model: TransformerModel) -> [String] { model.numLabels == nil ? [] : model.headModulePaths }

    /// Checkpoint tensors that are buffers, not parameters, and are skipped (transformers stores position ids and
    /// rotary inverse frequencies).
    static let ignoredSuffixes = ["position_ids", "token_type_ids", "rotary_emb.inv_freq"]
    /// Pre-training heads present in some BERT checkpoints and not used by these tasks.
    static let ignoredPrefixes = ["cls."]
}
