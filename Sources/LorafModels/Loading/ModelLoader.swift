import Foundation
import LorafFormats
import LorafTensor

/// Builds models of any registered family (``ModelFamilyRegistry``) from Hugging Face model folders
/// (config.json + model.safetensors).
public enum ModelLoader {
    /// Checkpoint tensors that are buffers, not parameters, and are skipped (transformers stores position ids and
    /// rotary inverse frequencies).
    static let ignoredSuffixes = ["position_ids", "token_type_ids", "rotary_emb.inv_freq"]
    /// Pre-training heads present in some BERT checkpoints and not used by these tasks.
    static let ignoredPrefixes = ["cls."]

    /// Loads the model in `directory` for `task`. `seed` fixes the initialisation of anything the checkpoint lacks
    /// (a new classification head).
    /// - Throws: `ModelError` naming the file and field for a bad config or an unsupported model_type, and naming
    ///   the tensor for a missing tensor, a tensor of the wrong shape (which is also how a config that disagrees with
    ///   the weights shows) or a tensor the model has no place for; `SafeTensorsError` for a corrupt weights file.
    public static func load(directory: URL, task: ModelTask, seed: UInt64 = 0) throws -> TransformerModel {
        let config = try ConfigReader.json(contentsOf: directory.appendingPathComponent("config.json"))
        let modelType = try config.string("model_type") ?? ""
        let family = try ModelFamilyRegistry.shared.family(modelType: modelType, source: config.source)
        let model = try family.build(.json(config), task: task, seed: seed)
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw ModelError.invalid("\(directory.path): no model.safetensors (only safetensors weights are read)")
        }
        // A new classification head may be absent from the checkpoint; an lm_head may not (unless tied).
        try loadWeights(into: model, from: SafeTensorsFile(contentsOf: weightsURL), optional: model.numLabels == nil ? [] : model.headModulePaths)
        model.eval()
        return model
    }

    /// Copies every checkpoint tensor into the model parameter of the same path. Keys of a bare body checkpoint
    /// (`encoder.layer.0...`) are also looked up under the model's `bodyPrefix` (`bert.encoder.layer.0...`).
    /// Parameters under `optional` module paths may be absent (they keep their initialisation).
    public static func loadWeights(into model: TransformerModel, from file: SafeTensorsFile, optional: [String]) throws {
        let parameters = Dictionary(model.namedParameters().map { ($0.path, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        var assigned = Set<String>()
        var unexpected: [String] = []
        for entry in file.entries {
            let name = entry.name
            if ignoredSuffixes.contains(where: { name.hasSuffix($0) }) || ignoredPrefixes.contains(where: { name.hasPrefix($0) }) { continue }
            let candidates = [name] + (model.bodyPrefix.isEmpty ? [] : [model.bodyPrefix + "." + name])
            guard let path = candidates.first(where: { parameters[$0] != nil }), let target = parameters[path] else {
                unexpected.append(name)
                continue
            }
            guard entry.shape == target.shape else {
                throw ModelError.shapeMismatch(tensor: name, expected: target.shape, found: entry.shape)
            }
            try target.assign(file.tensor(name))
            assigned.insert(path)
        }
        let source = file.url.lastPathComponent
        guard unexpected.isEmpty else { throw ModelError.unexpectedTensors(unexpected, source: source) }
        // A tied parameter (lm_head.weight sharing model.embed_tokens.weight) is filled through its other path.
        let filled = Set(assigned.compactMap { parameters[$0].map(ObjectIdentifier.init) })
        let missing = parameters.filter { path, tensor in
            !filled.contains(ObjectIdentifier(tensor)) && !optional.contains { path.hasPrefix($0 + ".") }
        }.map(\.key).sorted()
        guard missing.isEmpty else { throw ModelError.missingTensors(missing, source: source) }
    }
}
