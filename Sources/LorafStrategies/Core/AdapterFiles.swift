import Foundation
import LorafFormats
import LorafModels
import LorafTensor

/// Saving and loading adapters in PEFT's folder layout: `adapter_config.json` + `adapter_model.safetensors`.
///
/// File keys are fixed here and nowhere else: `base_model.model.` + the module path with loraf's in-memory wrapper
/// segments removed (`base_layer`, `original_module`, `modules_to_save.<name>`) + what the adapter names its
/// tensors (`lora_A.weight`). E.g. `base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight`,
/// `base_model.model.classifier.weight`.
public enum AdapterFiles {
    public static let configFile = "adapter_config.json"
    public static let weightsFile = "adapter_model.safetensors"
    static let keyPrefix = "base_model.model."

    /// PEFT's task_type for a model: SEQ_CLS for a classifier, CAUSAL_LM for a decoder with its lm_head,
    /// FEATURE_EXTRACTION for a bare body.
    static func taskType(_ model: TransformerModel) -> String {
        switch model.task {
        case .classification: return "SEQ_CLS"
        case .causalLM: return "CAUSAL_LM"
        case .base: return "FEATURE_EXTRACTION"
        }
    }

    /// The file key of an in-memory path of a modules_to_save copy (`classifier.modules_to_save.sst2.weight` →
    /// `base_model.model.classifier.weight`).
    static func fileKey(forCopyPath path: String, adapter: String) -> String {
        keyPrefix + path.replacingOccurrences(of: ".modules_to_save.\(adapter).", with: ".")
    }

    /// Writes adapter `name` into `directory` (created if needed). Both files are written atomically.
    /// - Throws: `StrategyError.adapterFile` or `SafeTensorsError` for an I/O failure.
    public static func save(_ model: AdaptedModel, adapter name: String, to directory: URL, baseModelName: String?) throws {
        let adapter = try model.adapter(name)
        let (tensors, strategyConfig) = try adapter.stateForSaving(in: model)
        var config = strategyConfig
        config["peft_type"] = .string(adapter.strategy.peftType)
        config["task_type"] = .string(taskType(model.base))
        config["base_model_name_or_path"] = baseModelName.map(OptionValue.string) ?? .null
        config["inference_mode"] = .bool(true)
        let saved = model.modulesToSavePaths(for: name)
        config["modules_to_save"] = saved.isEmpty ? .null : .list(saved.map(OptionValue.string))
        config["loraf_version"] = .string(LorafVersion.string)

        var entries = tensors.map { (keyPrefix + $0.key, $0.tensor) }
        entries += model.modulesToSaveParameters(for: name).map { (fileKey(forCopyPath: $0.path, adapter: name), $0.tensor) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try SafeTensorsWriter.write(entries.map { .float32($0.0, shape: $0.1.shape, values: $0.1.scalars) },
                                    metadata: ["format": "pt"], to: directory.appendingPathComponent(weightsFile))
        let json = try JSONSerialization.data(withJSONObject: OptionValue.table(config).json, options: [.prettyPrinted, .sortedKeys])
        try AtomicFileWriter.write([UInt8](json), to: directory.appendingPathComponent(configFile))
    }

    /// Reads `directory/adapter_config.json` into options.
    static func readConfig(_ directory: URL) throws -> [String: OptionValue] {
        let url = directory.appendingPathComponent(configFile)
        guard let data = try? Data(contentsOf: url) else { throw StrategyError.adapterFile("\(url.path): cannot read the adapter config") }
        guard let object = try? JSONSerialization.jsonObject(with: data), case let .table(table) = OptionValue(json: object) else {
            throw StrategyError.adapterFile("\(url.path): not a JSON object")
        }
        return table
    }

    /// Loads the adapter in `directory` onto `model` as `name` and makes it active. Every tensor is checked: a key
    /// the adapter does not use, a key it needs that the file lacks, a shape that disagrees (with r or with the
    /// base layer) and a NaN or infinite value are errors naming the tensor; a target the model lacks is an error
    /// naming it. `modules_to_save` null (or absent) means none, as saved. On error the model is left as it was.
    /// - Parameter trainable: PEFT's `is_trainable`: false (the default) loads the adapter for inference only,
    ///   its parameters frozen (``AdaptedModel/setTrainable(_:_:)``).
    @discardableResult
    public static func load(into model: AdaptedModel, from directory: URL, name: String, trainable: Bool = false) throws -> Adapter {
        let config = try readConfig(directory)
        guard case let .string(peftType)? = config["peft_type"] else {
            throw StrategyError.adapterFile("\(directory.path)/\(configFile): missing 'peft_type'")
        }
        let strategy = try StrategyRegistry.shared.strategy(peftType: peftType)
        let file = try SafeTensorsFile(contentsOf: directory.appendingPathComponent(weightsFile))
        var saved = try strategy.attachOptions(fromSavedConfig: config)
        if case let .list(targets)? = saved["modules_to_save"] {
            // PEFT lists every head name a task might use ("classifier", "score") and skips those a model lacks.
            var kept: [OptionValue] = []
            for case let .string(target) in targets where !kept.contains(.string(target)) && model.hasModule(matching: target) {
                kept.append(.string(target))
            }
            saved["modules_to_save"] = .list(kept)
        } else {
            saved["modules_to_save"] = .list([]) // saved without any: the task head's default must not apply
        }
        let options = Options(saved, context: "\(directory.lastPathComponent)/\(configFile)")
        let adapter = try model.adapt(strategy: strategy, name: name, options: options)
        do {
            let (tensors, _) = try adapter.stateForSaving(in: model)
            var expected: [String: Tensor] = [:]
            for (key, tensor) in tensors { expected[keyPrefix + key] = tensor }
            for (path, tensor) in model.modulesToSaveParameters(for: name) { expected[fileKey(forCopyPath: path, adapter: name)] = tensor }
            let present = Set(file.entries.map(\.name))
            if let unused = file.entries.map(\.name).sorted().first(where: { expected[$0] == nil }) {
                throw StrategyError.adapterFile("\(weightsFile): tensor '\(unused)' is not used by this adapter on this model (no such target, or a different configuration)")
            }
            if let missing = expected.keys.sorted().first(where: { !present.contains($0) }) {
                throw StrategyError.adapterFile("\(weightsFile): lacks tensor '\(missing)' of shape \(expected[missing]!.shape)")
            }
            for entry in file.entries {
                let target = expected[entry.name]! // every entry was checked above
                guard entry.shape == target.shape else {
                    throw StrategyError.adapterFile("\(weightsFile): tensor '\(entry.name)' has shape \(entry.shape) but the model expects \(target.shape)")
                }
                let values = try file.tensor(entry.name)
                if let bad = values.firstNonFiniteIndex {
                    throw StrategyError.adapterFile("\(weightsFile): tensor '\(entry.name)' holds \(values.scalars[bad]) at flat index \(bad); adapter weights must be finite")
                }
                try target.assign(values)
            }
            try model.setTrainable(name, trainable)
        } catch {
            try? model.deleteAdapter(name)
            throw error
        }
        return adapter
    }
}

/// loraf's version, written into saved files.
public enum LorafVersion {
    public static let string = "0.1.0"
}
