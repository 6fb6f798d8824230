import LorafModels
import LorafStrategies
import LorafTensor

/// The wrapper a Lua strategy puts around each target layer, keyed by adapter name as the built-in wrappers are.
///
/// Children: `base_layer` (the wrapped layer) and one module per declared parameter name, holding one parameter
/// per adapter, so in-memory paths read `...attention.self.key.ia3_l.default`. Forward, for the adapters in use
/// (not merged): each `input(state, x)` transforms the input, the wrapped layer runs, each `forward(state, x,
/// base_output)` transforms the output. In a mixed-adapter batch each row keeps only its own adapter's change.
/// `state` is {<parameter> = Tensor, ..., options = the adapter's options, layer = {path, kind, in_features,
/// out_features}, training = boolean}.
final class LuaAdapterLayer: UnaryModule {
    override var kind: String { "LuaAdapterLayer" }
    let strategy: LuaStrategy
    /// The anchor path the layer was made for, and its Linear's extents, as `state.layer`.
    private let layerInfo: LuaValue
    private let path: String
    private var options: [String: LuaValue] = [:]
    /// The base Linear's weight and bias from before `merge`, by merged adapter.
    private var originals: [String: (weight: Tensor, bias: Tensor?)] = [:]

    private init(base: UnaryModule, linear: LinearLayer, path: String, strategy: LuaStrategy) {
        self.strategy = strategy
        self.path = path
        layerInfo = .record(["path": .string(path), "kind": .string(base.kind), "in_features": .integer(linear.inFeatures),
                             "out_features": .integer(linear.outFeatures)])
        super.init()
        register(child: "base_layer", base)
        for parameter in strategy.definition.parameterNames { register(child: parameter, Module()) }
    }

    /// The layer registered in init, never removed.
    var baseLayer: UnaryModule { childIfPresent("base_layer") as! UnaryModule }
    private var definition: LuaStrategyDefinition { strategy.definition }
    /// Adapter names with parameters here.
    var adapterNames: [String] { options.keys.sorted() }

    override var summaryLine: String { "\(strategy.name): " + adapterNames.joined(separator: ", ") }

    /// Adapter `adapter`'s parameter `name`, if it has one here.
    func parameter(_ name: String, of adapter: String) -> Tensor? { childIfPresent(name)?.parameterIfPresent(adapter) }

    /// The layer of `strategy` on the wrapper chain `anchor`, `anchor.base_layer`, ... with its path.
    static func inChain(from anchor: String, strategy: String, in root: Module) -> (path: String, layer: LuaAdapterLayer)? {
        var path = anchor
        while let node = root.module(at: path) {
            if let layer = node as? LuaAdapterLayer, layer.strategy.name == strategy { return (path, layer) }
            guard node.childIfPresent("base_layer") != nil else { return nil }
            path += ".base_layer"
        }
        return nil
    }

    /// The strategy's layer for the module at `path`: the one on its wrapper chain, or a new one put in its place.
    static func wrapping(_ path: String, strategy: LuaStrategy, in model: TransformerModel) throws -> LuaAdapterLayer {
        if let existing = inChain(from: path, strategy: strategy.name, in: model)?.layer { return existing }
        guard let base = model.module(at: path) as? UnaryModule, let linear = innermostLinear(base) else {
            throw StrategyError.invalidState("\(strategy.name): cannot wrap '\(path)': not a Linear layer")
        }
        let layer = LuaAdapterLayer(base: base, linear: linear, path: path, strategy: strategy)
        try model.replaceModule(at: path) { _ in layer }
        return layer
    }

    /// Calls `init(layer, options)` and keeps the tensors it returns (dense copies, leaves) as adapter `name`'s.
    /// - Throws: `StrategyError.invalidOption` naming the strategy and layer when init does not return exactly the
    ///   declared parameters as tensors; init's own Lua error.
    func addAdapter(_ name: String, options adapterOptions: LuaValue, context: String) throws {
        guard let linear = innermostLinear(baseLayer) else { throw StrategyError.invalidState("\(strategy.name): '\(path)' lost its Linear") }
        var info = layerInfo.recordFields
        info["weight"] = .object(linear.dequantizedWeight().copy())
        info["bias"] = linear.bias.map { .object($0.copy()) } ?? .nil
        let result = try GradMode.disabled { try definition.initialize.call([.record(info), adapterOptions]).first ?? .nil }
        guard case .record(let fields) = result else {
            throw StrategyError.invalidOption("\(context): strategy '\(strategy.name)' init at '\(path)' must return {\(definition.parameterNames.joined(separator: ", ")) = Tensor}, got \(result.errorDescription)")
        }
        if let extra = fields.keys.sorted().first(where: { !definition.parameterNames.contains($0) }) {
            throw StrategyError.invalidOption("\(context): strategy '\(strategy.name)' init at '\(path)' returned '\(extra)', which is not in its parameters (\(definition.parameterNames.joined(separator: ", ")))")
        }
        for parameter in definition.parameterNames {
            guard let tensor = fields[parameter]?.object(as: Tensor.self) else {
                throw StrategyError.invalidOption("\(context): strategy '\(strategy.name)' init at '\(path)' must return a Tensor for '\(parameter)', got \(fields[parameter]?.errorDescription ?? "nil")")
            }
            childIfPresent(parameter)?.register(parameter: name, tensor.copy())
        }
        options[name] = adapterOptions
    }

    /// Removes adapter `name`; returns whether any adapter is left.
    func removeAdapter(_ name: String) -> Bool {
        for parameter in definition.parameterNames { childIfPresent(parameter)?.removeParameter(name) }
        options[name] = nil
        originals[name] = nil
        return !options.isEmpty
    }

    /// What the Lua functions get as `state` for adapter `name`.
    private func state(_ name: String, _ context: ForwardContext) -> LuaValue {
        var fields: [String: LuaValue] = ["options": options[name] ?? .nil, "layer": layerInfo, "training": .boolean(context.training)]
        for key in definition.parameterNames { fields[key] = parameter(key, of: name).map { .object($0) } ?? .nil }
        return .record(fields)
    }

    override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        let inUse = context.adaptersInUse.filter { options[$0] != nil && originals[$0] == nil }
        guard !inUse.isEmpty else { return try baseLayer.forward(x, context) }
        var input = x
        if let transform = definition.input {
            for name in inUse { input = try masked(input, call(transform, "input", name, [.object(input)], context), name, context) }
        }
        var y = try baseLayer.forward(input, context)
        if let transform = definition.forward {
            for name in inUse { y = try masked(y, call(transform, "forward", name, [.object(x), .object(y)], context), name, context) }
        }
        return y
    }

    /// Calls a Lua function with adapter `name`'s state and `arguments`; its result must be a tensor.
    private func call(_ function: LuaFunction, _ what: String, _ name: String, _ arguments: [LuaValue], _ context: ForwardContext) throws -> Tensor {
        let result = try function.call([state(name, context)] + arguments).first ?? .nil
        guard let tensor = result.object(as: Tensor.self) else {
            throw LuaError.argument("strategy '\(strategy.name)' \(what) at '\(path)' must return a Tensor, got \(result.errorDescription)")
        }
        return tensor
    }

    /// `changed` where the rows use adapter `name` and `original` elsewhere (mixed batches); `changed` otherwise.
    private func masked(_ original: Tensor, _ changed: Tensor, _ name: String, _ context: ForwardContext) throws -> Tensor {
        guard changed.shape == original.shape else {
            throw LuaError.argument("strategy '\(strategy.name)' at '\(path)' returned shape \(changed.shape), expected \(original.shape)")
        }
        guard let mask = try context.rowMask(for: name, like: original) else { return changed }
        return try original + (changed - original) * mask
    }

    /// Folds adapter `name` into the base Linear with the strategy's merge(state, weight, bias); the weights from
    /// before are kept for `unmerge`. A quantized base layer cannot take merged weights (an error says so).
    func merge(_ name: String) throws {
        guard let function = definition.merge, options[name] != nil, originals[name] == nil else {
            throw StrategyError.invalidState("\(strategy.name): cannot merge '\(name)' at '\(path)'")
        }
        guard let linear = innermostLinear(baseLayer) as? Linear else {
            throw StrategyError.invalidState("\(strategy.name): cannot merge '\(name)' at '\(path)': the base layer keeps quantized weights")
        }
        let results = try GradMode.disabled {
            try function.call([state(name, ForwardContext(training: false)), .object(linear.weight.copy()), linear.bias.map { .object($0.copy()) } ?? .nil])
        }
        guard let weight = results.first?.object(as: Tensor.self), weight.shape == linear.weight.shape else {
            throw StrategyError.invalidState("strategy '\(strategy.name)' merge at '\(path)' must return a weight of shape \(linear.weight.shape), got \(results.first?.errorDescription ?? "nil")")
        }
        let bias = results.count > 1 ? results[1].object(as: Tensor.self) : nil
        if let bias, bias.shape != linear.bias?.shape {
            throw StrategyError.invalidState("strategy '\(strategy.name)' merge at '\(path)' returned a bias of shape \(bias.shape), expected \(linear.bias?.shape ?? [])")
        }
        originals[name] = (linear.weight.copy(), linear.bias?.copy())
        try linear.weight.assign(weight)
        if let bias { try linear.bias?.assign(bias) }
    }

    /// Restores the base weights from before `merge(name)`.
    func unmerge(_ name: String) throws {
        guard let (weight, bias) = originals.removeValue(forKey: name), let linear = innermostLinear(baseLayer) as? Linear else { return }
        try linear.weight.assign(weight)
        if let bias { try linear.bias?.assign(bias) }
    }
}

extension LuaValue {
    /// The fields of a record, empty for any other value.
    var recordFields: [String: LuaValue] {
        if case .record(let fields) = self { return fields }
        return [:]
    }
}
