import Foundation
import LorafFormats
import LorafTensor

/// Builds models from Hugging Face model folders (config.json + model.safetensors).
public enum ModelLoader {
    /// What the model is for, which decides its head.
    public enum Task: Equatable {
        /// The bare encoder (BertModel): last_hidden_state and pooler_output.
        case base
        /// BertForSequenceClassification with `numLabels` outputs; the head is newly initialised unless the
        /// checkpoint has `classifier.*`.
        case classification(numLabels: Int)
    }

    /// Checkpoint tensors that are buffers, not parameters, and are skipped (transformers stores position ids).
    static let ignoredSuffixes = ["position_ids", "token_type_ids"]
    /// Pre-training heads present in some BERT checkpoints and not used by these tasks.
    static let ignoredPrefixes = ["cls."]

    /// Loads the model in `directory` for `task`. `seed` fixes the initialisation of anything the checkpoint lacks
    /// (a new classification head).
    /// - Throws: `ModelError` naming the file and field for a bad config, and naming the tensor for a missing
    ///   tensor, a tensor of the wrong shape (which is also how a config that disagrees with the weights shows) or
    ///   a tensor the model has no place for; `SafeTensorsError` for a corrupt weights file.
    public static func load(directory: URL, task: Task, seed: UInt64 = 0) throws -> TransformerModel {
        let config = try BertConfig.load(directory.appendingPathComponent("config.json"))
        guard config.modelType == "bert" else {
            throw ModelError.invalid("\(directory.path)/config.json: model_type '\(config.modelType)' is not supported (supported: bert)")
        }
        let model: TransformerModel
        switch task {
        // The checkpoint overwrites every body weight (a missing one is an error), so the body skips random init.
        case .base: model = try WeightInitialization.with(drawing: false) { try BertModel(config, seed: seed) }
        case let .classification(numLabels):
            model = try BertForSequenceClassification(config, numLabels: numLabels, seed: seed, initializeBody: false)
        }
        let weightsURL = directory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw ModelError.invalid("\(directory.path): no model.safetensors (only safetensors weights are read)")
        }
        try loadWeights(into: model, from: SafeTensorsFile(contentsOf: weightsURL), optional: model.headModulePaths)
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
        let missing = parameters.keys.filter { path in
            !assigned.contains(path) && !optional.contains { path.hasPrefix($0 + ".") }
        }.sorted()
        guard missing.isEmpty else { throw ModelError.missingTensors(missing, source: source) }
    }
}
