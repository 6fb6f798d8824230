import LorafModels
import LorafStrategies
import LorafTensor

/// IA³ (Liu et al. 2022) with PEFT's semantics, built on loraf's public strategy API only: wraps each target
/// linear layer (Float32 `Linear` or GGUF `QuantizedLinear`) in an `IA3Linear`; trains the vectors; merges by scaling the weight's rows (and bias) or columns.
/// Saved as PEFT does: peft_type "IA3", tensors `base_model.model.<module path>.ia3_l` (no `.weight` suffix).
public final class IA3Strategy: Strategy {
    public let name = "ia3"
    public init() { AdapterPaths.registerOwnedSegments(["ia3_l"]) }

    public func attach(to model: AdaptedModel, adapterName: String, options: inout Options) throws -> Adapter {
        let config = try IA3Config(&options, modelType: model.base.modelType)
        var rng = RandomGenerator(seed: UInt64(try options.int("seed", default: 0, minimum: 0)), stream: 13)
        let candidates = model.base.namedModules().filter { path, module in
            !path.isEmpty && !AdapterPaths.isInsideWrapper(path) && module is UnaryModule && innermostLinear(module) != nil
        }.map(\.path)
        let paths = try config.selector.select(from: candidates, context: options.context)
        let adapter = IA3Adapter(name: adapterName, strategy: self, config: config, targets: paths)
        do {
            for path in paths {
                let layer: IA3Linear
                if let existing = ia3Layer(at: path, in: model.base) {
                    layer = existing
                } else {
                    guard let base = model.base.module(at: path) as? UnaryModule else { continue } // a candidate: unary
                    layer = try IA3Linear(base: base)
                    try model.base.replaceModule(at: path) { _ in layer }
                }
                layer.addAdapter(adapterName, isFeedforward: config.isFeedforward(path), random: config.randomInit, rng: &rng)
            }
        } catch {
            try? adapter.remove(from: model)
            throw error
        }
        return adapter
    }

    public func attachOptions(fromSavedConfig config: [String: OptionValue]) throws -> [String: OptionValue] {
        try SavedConfig.attachOptions(config, known: IA3Config.knownKeys, strategy: "IA3")
    }
}

/// The IA3Linear on the chain `path`, `path.base_layer`, ... (another strategy may have wrapped it since).
func ia3Layer(at path: String, in root: Module) -> IA3Linear? {
    ia3LayerWithPath(at: path, in: root)?.layer
}

func ia3LayerWithPath(at path: String, in root: Module) -> (path: String, layer: IA3Linear)? {
    var current = path
    while let node = root.module(at: current) {
        if let layer = node as? IA3Linear { return (current, layer) }
        guard node.childIfPresent("base_layer") != nil else { return nil }
        current += ".base_layer"
    }
    return nil
}

/// One IA³ adapter: its config and the module paths (anchors) it adapts.
final class IA3Adapter: Adapter {
    let name: String
    let strategy: Strategy
    let config: IA3Config
    let targets: [String]

    init(name: String, strategy: Strategy, config: IA3Config, targets: [String]) {
        self.name = name
        self.strategy = strategy
        self.config = config
        self.targets = targets
    }

    var canMerge: Bool { true }

    /// (anchor path, layer in-memory path, layer) for every target still wrapped.
    private func layers(in model: AdaptedModel) -> [(anchor: String, path: String, layer: IA3Linear)] {
        targets.compactMap { anchor in ia3LayerWithPath(at: anchor, in: model.base).map { (anchor, $0.path, $0.layer) } }
    }

    func parameters(in model: AdaptedModel) -> [(path: String, tensor: Tensor)] {
        layers(in: model).compactMap { _, path, layer in layer.scale(of: name).map { ("\(path).ia3_l.\(name)", $0) } }
    }

    func stateForSaving(in model: AdaptedModel) throws -> (tensors: [(key: String, tensor: Tensor)], config: [String: OptionValue]) {
        let tensors = layers(in: model).compactMap { anchor, _, layer in layer.scale(of: name).map { ("\(anchor).ia3_l", $0) } }
        return (tensors, config.savedFields)
    }

    func merge(in model: AdaptedModel) throws {
        for (_, _, layer) in layers(in: model) where !layer.isMerged(name) { try layer.merge(name) }
    }

    func unmerge(in model: AdaptedModel) throws {
        for (_, _, layer) in layers(in: model) { try layer.unmerge(name) }
    }

    func remove(from model: AdaptedModel) throws {
        for (_, path, layer) in layers(in: model) where !layer.removeAdapter(name) {
            try model.base.replaceModule(at: path) { _ in layer.baseLayer }
        }
    }
}
