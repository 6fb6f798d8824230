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
        let others = model.base.namedModules().filter { path, module in
            !path.isEmpty && !AdapterPaths.isInsideWrapper(path) && !candidates.contains { $0.path == path }
        }
        let paths = try config.selector.select(from: candidates.map(\.path), context: options.context,
                                               unsupported: others.map { ($0.path, $0.module.kind) }, supported: "LoRA adapts Linear layers")
        var newParameters: [[Int]] = []
        for path in paths {
            guard let module = model.base.module(at: path) else { continue }
            guard let linear = innermostLinear(module) else {
                throw StrategyError.invalidOption("\(options.context): target '\(path)' is a \(module.kind); LoRA adapts Linear layers")
            }
            let r = config.rankAndAlpha(for: path).r
            newParameters += [[r, linear.inFeatures], [linear.outFeatures, r]]
        }
        try config.checkPatterns(against: paths, context: options.context)
        do {
            _ = try TensorShape.totalAllocatableCount(newParameters, op: "r", what: "the LoRA matrices of adapter '\(adapterName)'")
        } catch let TensorError.invalidArgument(_, message) {
            throw StrategyError.invalidOption("\(options.context): \(message)")
        }
        let adapter = LoRAAdapter(name: adapterName, strategy: self, config: config, targets: paths)
        return try attachOrRollBack(adapter, to: model) {
            for path in paths {
                let (r, alpha) = config.rankAndAlpha(for: path)
                try LoRALinear.wrapping(path, in: model.base).addAdapter(
                    adapterName, r: r, scale: config.scaling(r: r, alpha: alpha), p: Float(config.loraDropout),
                    initialization: config.initialization, rng: &rng)
            }
            let biasPaths = try biasLayerPaths(config.bias, targets: paths, in: model.base, context: options.context)
            adapter.biasAnchors = biasPaths.map(AdapterFiles.filePath(ofModule:))
            for path in biasPaths { try BitFitBiasLayer.wrapping(path, in: model.base).addAdapter(adapterName) }
        }
    }

    /// The layers whose bias `bias` trains ("all": every body bias, as BitFit; "lora_only": those of the adapted
    /// layers). Each gets a per-adapter copy in a `BitFitBiasLayer`, so the base biases never change.
    private func biasLayerPaths(_ bias: String, targets: [String], in model: TransformerModel, context: String) throws -> [String] {
        guard bias != "none" else { return [] }
        let all = try BitFitStrategy.biasLayerPaths(in: model, context: context)
        guard bias == "lora_only" else { return all }
        let anchors = Set(targets.map(AdapterFiles.filePath(ofModule:)))
        return all.filter { anchors.contains(AdapterFiles.filePath(ofModule: $0)) }
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
    /// Anchors of the `BitFitBiasLayer`s holding this adapter's copies of the biases `bias` trains.
    var biasAnchors: [String] = []

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

    func biasLayers(in model: AdaptedModel) -> [(path: String, layer: BitFitBiasLayer)] {
        biasAnchors.compactMap { wrapperInChain(BitFitBiasLayer.self, from: $0, in: model.base) }
    }

    /// This adapter's bias copies: `<layer path>.bitfit.<name>.bias`.
    private func trainableBiases(in model: AdaptedModel) -> [(path: String, tensor: Tensor)] {
        biasLayers(in: model).compactMap { path, layer in layer.bias(of: name).map { ("\(path).bitfit.\(name).bias", $0) } }
    }

    func stateForSaving(in model: AdaptedModel) throws -> (tensors: [(key: String, tensor: Tensor)], config: [String: OptionValue]) {
        var tensors: [(String, Tensor)] = []
        for (path, layer) in layers(in: model) {
            for side in ["lora_A", "lora_B"] {
                guard let w = (layer.childIfPresent(side)?.childIfPresent(name) as? Linear)?.weight else { continue }
                tensors.append(("\(AdapterFiles.filePath(ofModule: path)).\(side).weight", w))
            }
        }
        for (path, layer) in biasLayers(in: model) {
            if let bias = layer.bias(of: name) { tensors.append((AdapterFiles.filePath(ofModule: path) + ".bias", bias)) }
        }
        return (tensors, config.savedFields)
    }

    func merge(in model: AdaptedModel) throws {
        for (_, layer) in layers(in: model) where !layer.mergedAdapters.contains(name) {
            try layer.fold(name, sign: 1)
            layer.mergedAdapters.insert(name)
        }
        for (_, layer) in biasLayers(in: model) { try layer.merge(name) }
    }

    func unmerge(in model: AdaptedModel) throws {
        for (_, layer) in layers(in: model) where layer.mergedAdapters.contains(name) {
            try layer.fold(name, sign: -1)
            layer.mergedAdapters.remove(name)
        }
        for (_, layer) in biasLayers(in: model) where layer.merged?.adapter == name { try layer.unmerge() }
    }

    func remove(from model: AdaptedModel) throws {
        try removeAdapter(name, from: biasLayers(in: model), in: model.base)
        try removeAdapter(name, from: layers(in: model), in: model.base)
    }
}
