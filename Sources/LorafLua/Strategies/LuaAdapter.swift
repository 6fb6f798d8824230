import LorafModels
import LorafStrategies
import LorafTensor

/// One adapter of a Lua strategy: the module paths it adapts (the anchors of their wrapper chains) and the config
/// written to adapter_config.json.
final class LuaAdapter: Adapter {
    let name: String
    private let luaStrategy: LuaStrategy
    var strategy: Strategy { luaStrategy }
    let savedConfig: [String: OptionValue]
    let targets: [String]

    init(name: String, strategy: LuaStrategy, savedConfig: [String: OptionValue], targets: [String]) {
        self.name = name
        luaStrategy = strategy
        self.savedConfig = savedConfig
        self.targets = targets
    }

    private var definition: LuaStrategyDefinition { luaStrategy.definition }

    /// (anchor, in-memory path, layer) of every target this adapter still has a layer at.
    private func layers(in model: AdaptedModel) -> [(anchor: String, path: String, layer: LuaAdapterLayer)] {
        targets.compactMap { anchor in
            LuaAdapterLayer.inChain(from: anchor, strategy: strategy.name, in: model.base).map { (anchor, $0.path, $0.layer) }
        }
    }

    /// In-memory paths `<layer>.<parameter>.<adapter>` (as PEFT's IA³: `...key.ia3_l.default`).
    func parameters(in model: AdaptedModel) -> [(path: String, tensor: Tensor)] {
        layers(in: model).flatMap { _, path, layer in
            definition.parameterNames.compactMap { parameter in
                layer.parameter(parameter, of: name).map { ("\(path).\(parameter).\(name)", $0) }
            }
        }
    }

    /// File keys `<module path>.<parameter>`.
    func stateForSaving(in model: AdaptedModel) throws -> (tensors: [(key: String, tensor: Tensor)], config: [String: OptionValue]) {
        let tensors = layers(in: model).flatMap { anchor, _, layer in
            definition.parameterNames.compactMap { parameter in layer.parameter(parameter, of: name).map { ("\(anchor).\(parameter)", $0) } }
        }
        return (tensors, savedConfig)
    }

    var canMerge: Bool { definition.merge != nil }

    func merge(in model: AdaptedModel) throws {
        guard canMerge else { throw StrategyError.invalidState("adapter '\(name)' (\(strategy.name)) cannot be merged: the strategy has no merge function") }
        var done: [LuaAdapterLayer] = []
        do {
            for (_, _, layer) in layers(in: model) {
                try layer.merge(name)
                done.append(layer)
            }
        } catch {
            for layer in done { try? layer.unmerge(name) }
            throw error
        }
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
