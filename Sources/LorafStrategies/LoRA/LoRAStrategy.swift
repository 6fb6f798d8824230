import Foundation
import LorafModels
import LorafTensor

/// LoRA (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models") with PEFT's semantics: wraps each
/// selected Linear in a `LoRALinear`; trains A and B (and biases per `bias`), merges by W += s·B·A.
public final class LoRAStrategy: Strategy {
    public let name = "lora"
    public init() { AdapterPaths.registerOwnedSegments(["lora_A", "lora_B"]) }

    /// PEFT's default target_modules for a model family (TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING).
    static let defaultTargets: [String: [String]] = [
        "bert": ["query", "value"], "llama": ["q_proj", "v_proj"], "mistral": ["q_proj", "v_proj"], "qwen2": ["q_proj", "v_proj"],
    ]

    public func attach(to model: AdaptedModel, adapterName: String, options: inout Options) throws -> Adapter {
        let config = try LoRAConfig(&options, defaultTargets: LoRAStrategy.defaultTargets[model.base.modelType] ?? [])
        let seed = UInt64(try options.int("seed", default: 0, minimum: 0))
        var rng = RandomGenerator(seed: seed, stream: 11)
        let candidates = model.base.namedModules().filter { path, module in
            !path.isEmpty && !AdapterPaths.isInsideWrapper(path) && (module is LinearLayer || module is LoRALinear || module is UnaryModule)
        }
        let paths = try config.selector.select(from: candidates.map(\.path), context: options.context)
        for path in paths {
            guard let module = model.base.module(at: path) else { continue }
            if innermostLinear(module) == nil {
                throw StrategyError.invalidOption("\(options.context): target '\(path)' is a \(module.kind); LoRA adapts Linear layers")
            }
        }
        let adapter = LoRAAdapter(name: adapterName, strategy: self, config: config, targets: paths)
        return try attachOrRollBack(adapter, to: model) {
            for path in paths {
                let (r, alpha) = config.rankAndAlpha(for: path)
                try LoRALinear.wrapping(path, in: model.base).addAdapter(
                    adapterName, r: r, scale: config.scaling(r: r, alpha: alpha), p: Float(config.loraDropout),
                    initialization: config.initialization, rng: &rng)
            }
        }
    }

    public func attachOptions(fromSavedConfig config: [String: OptionValue]) throws -> [String: OptionValue] {
        try SavedConfig.attachOptions(config, known: LoRAConfig.knownKeys, strategy: "LoRA")
    }
}

/// One LoRA adapter: its config and the module paths it wraps.
final class LoRAAdapter: Adapter {
    let name: String
    let strategy: Strategy
    let config: LoRAConfig
    let targets: [String]

    init(name: String, strategy: Strategy, config: LoRAConfig, targets: [String]) {
        self.name = name
        self.strategy = strategy
        self.config = config
        self.targets = targets
    }

    var canMerge: Bool { true }

    func layers(in model: AdaptedModel) -> [(path: String, layer: LoRALinear)] {
        targets.compactMap { wrapperInChain(LoRALinear.self, from: $0, in: model.base) }
    }

    /// A and B of every layer, then the biases that `bias` makes trainable.
    func parameters(in model: AdaptedModel) -> [(path: String, tensor: Tensor)] {
        var out: [(String, Tensor)] = []
        for (path, layer) in layers(in: model) {
            for side in ["lora_A", "lora_B"] {
                if let w = (layer.childIfPresent(side)?.childIfPresent(name) as? Linear)?.weight { out.append(("\(path).\(side).\(name).weight", w)) }
            }
        }
        return out + trainableBiases(in: model)
    }

    private func trainableBiases(in model: AdaptedModel) -> [(path: String, tensor: Tensor)] {
        switch config.bias {
        case "all":
            return model.base.namedParameters().filter { $0.path.hasSuffix(".bias") && !AdapterPaths.isAdapterOwned($0.path) }
        case "lora_only":
            return layers(in: model).compactMap { path, layer in layer.baseLinear?.bias.map { ("\(path).base_layer.bias", $0) } }
        default:
            return []
        }
    }

    func stateForSaving(in model: AdaptedModel) throws -> (tensors: [(key: String, tensor: Tensor)], config: [String: OptionValue]) {
        var tensors: [(String, Tensor)] = []
        for (path, layer) in layers(in: model) {
            for side in ["lora_A", "lora_B"] {
                guard let w = (layer.childIfPresent(side)?.childIfPresent(name) as? Linear)?.weight else { continue }
                tensors.append(("\(AdapterFiles.filePath(ofModule: path)).\(side).weight", w))
            }
        }
        for (path, bias) in trainableBiases(in: model) {
            tensors.append((path.replacingOccurrences(of: ".base_layer.", with: ".").replacingOccurrences(of: ".original_module.", with: "."), bias))
        }
        return (tensors, config.savedFields)
    }

    func merge(in model: AdaptedModel) throws {
        for (_, layer) in layers(in: model) where !layer.mergedAdapters.contains(name) {
            try layer.fold(name, sign: 1)
            layer.mergedAdapters.insert(name)
        }
    }

    func unmerge(in model: AdaptedModel) throws {
        for (_, layer) in layers(in: model) where layer.mergedAdapters.contains(name) {
            try layer.fold(name, sign: -1)
            layer.mergedAdapters.remove(name)
        }
    }

    func remove(from model: AdaptedModel) throws {
        try removeAdapter(name, from: layers(in: model), in: model.base)
    }
}
