import LorafModels
import LorafStrategies
import LorafTensor

/// A strategy written in Lua (`loraf.register_strategy{...}`): its declarations and functions.
///
/// The functions belong to the Lua state that registered them; the strategy works while that state lives (the
/// `loraf` command keeps one state for the whole run) and its calls fail with an error naming the state after that.
struct LuaStrategyDefinition {
    let name: String
    /// adapter_config.json's `peft_type` (default: the name upper-cased).
    let peftType: String
    /// target_modules when `model:adapt` gives none (nil: the option is required).
    let defaultTargets: [String]?
    /// The names of the tensors `initialize` returns, one child module each under the wrapper (`ia3_l`).
    let parameterNames: [String]
    /// The strategy's own options with their defaults (`{r = 8, lora_alpha = 8}`).
    let optionDefaults: [String: OptionValue]
    /// init(layer, options) -> {name = Tensor}.
    let initialize: LuaFunction
    /// input(state, x) -> x': applied to the layer's input before the wrapped layer runs (optional).
    let input: LuaFunction?
    /// forward(state, x, base_output) -> y: applied to the wrapped layer's output (optional).
    let forward: LuaFunction?
    /// merge(state, weight, bias) -> weight [, bias]: the base Linear's folded weights (optional).
    let merge: LuaFunction?
}

/// The `Strategy` behind a Lua definition: selects targets as the built-ins do (`TargetSelector`: target_modules,
/// exclude_modules, layers_to_transform), wraps each target in a ``LuaAdapterLayer`` and lets the Lua functions
/// make the parameters and compute the outputs. Saving, loading, mixed batches, merging and training go through
/// the same `AdaptedModel` and `AdapterFiles` code as for LoRA.
final class LuaStrategy: Strategy {
    static let selectionKeys = ["target_modules", "exclude_modules", "layers_to_transform"]
    let definition: LuaStrategyDefinition
    var name: String { definition.name }
    var peftType: String { definition.peftType }

    init(_ definition: LuaStrategyDefinition) {
        self.definition = definition
        AdapterPaths.registerOwnedSegments(definition.parameterNames)
    }

    func attach(to model: AdaptedModel, adapterName: String, options: inout Options) throws -> Adapter {
        let targets = options.raw("target_modules") ?? definition.defaultTargets.map { .list($0.map(OptionValue.string)) }
        guard let targets, let pattern = try TargetSelector.Pattern.from(targets, key: "target_modules", context: options.context) else {
            throw StrategyError.invalidOption("\(options.context): 'target_modules' is required (strategy '\(name)' declares no default targets)")
        }
        let exclude = options.raw("exclude_modules")
        let layers = try options.ints("layers_to_transform")
        let selector = TargetSelector(targets: pattern, layers: layers,
                                      exclude: try TargetSelector.Pattern.from(exclude, key: "exclude_modules", context: options.context))
        let values = try strategyOptions(&options)
        let candidates = model.base.namedModules().filter { path, module in
            !path.isEmpty && !AdapterPaths.isInsideWrapper(path) && module is UnaryModule && innermostLinear(module) != nil
        }.map(\.path)
        let paths = try selector.select(from: candidates, context: options.context)
        var saved = values
        saved["target_modules"] = targets
        saved["exclude_modules"] = exclude ?? .null
        saved["layers_to_transform"] = layers.map { .list($0.map(OptionValue.int)) } ?? .null
        let adapter = LuaAdapter(name: adapterName, strategy: self, savedConfig: saved, targets: paths)
        do {
            let luaOptions = LuaValue.record(values.mapValues(LuaValue.init(option:)))
            for path in paths {
                let layer = try LuaAdapterLayer.wrapping(path, strategy: self, in: model.base)
                try layer.addAdapter(adapterName, options: luaOptions, context: options.context)
            }
        } catch {
            try? adapter.remove(from: model)
            throw error
        }
        return adapter
    }

    func attachOptions(fromSavedConfig config: [String: OptionValue]) throws -> [String: OptionValue] {
        let known = Set(definition.optionDefaults.keys).union(LuaStrategy.selectionKeys).union(["modules_to_save"])
        return try SavedConfig.attachOptions(config, known: known, strategy: peftType)
    }

    /// The declared options, each given or defaulted, checked against its default's kind (an integer default takes
    /// integers, a number default any number, a boolean or string default its kind; a nil default anything).
    private func strategyOptions(_ options: inout Options) throws -> [String: OptionValue] {
        var values: [String: OptionValue] = [:]
        for (key, fallback) in definition.optionDefaults {
            guard let given = options.raw(key) else { values[key] = fallback; continue }
            switch (fallback, given) {
            case (.null, _), (.int, .int), (.double, .int), (.double, .double), (.bool, .bool), (.string, .string),
                 (.list, .list), (.table, .table), (.list, .table), (.table, .list):
                values[key] = given
            default:
                throw StrategyError.invalidOption("\(options.context): '\(key)' must be of the kind of its default \(fallback) (strategy '\(name)'), got \(given)")
            }
        }
        return values
    }
}

extension LuaValue {
    /// An option value as Lua sees it.
    init(option: OptionValue) {
        switch option {
        case .null: self = .nil
        case .bool(let b): self = .boolean(b)
        case .int(let i): self = .integer(i)
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .list(let items): self = .list(items.map(LuaValue.init(option:)))
        case .table(let fields): self = .record(fields.mapValues(LuaValue.init(option:)))
        }
    }
}
