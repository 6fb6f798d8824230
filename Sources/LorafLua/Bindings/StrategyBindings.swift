import LorafStrategies

/// `loraf.register_strategy`: adaptation strategies written in Lua (``LuaStrategy``), registered next to the
/// built-ins so `model:adapt`, `save_adapter`/`load_adapter`, mixed batches, merging and `loraf.train` use them.
enum StrategyBindings: LuaBindings {
    static let keys = ["name", "peft_type", "targets", "parameters", "options", "init", "input", "forward", "merge"]
    /// Child names a strategy's parameters may not take: the wrappers' and the layers' own.
    static let reservedNames: Set<String> = ["base_layer", "original_module", "modules_to_save", "weight", "bias"]

    static func register(in module: LuaModuleBuilder) throws {
        module.function("register_strategy", doc: """
            loraf.register_strategy{name = "mine", parameters = {"ia3_l"}, init = function(layer, options) -> \
            {ia3_l = Tensor}, forward = function(state, x, base_output) -> Tensor, input = function(state, x) -> \
            Tensor, merge = function(state, weight, bias) -> weight [, bias], targets = {"key", "value"}, \
            options = {name = default}, peft_type = "MINE"}
            Registers a strategy written with tensor operations, used like a built-in: model:adapt{strategy = \
            "mine", target_modules = ..., <options>}, save_adapter/load_adapter, mixed batches, merge and training. \
            Each target Linear is wrapped; `init` gets layer = {path, kind, in_features, out_features, weight, \
            bias} (copies) and the adapter's options (each declared option, given or defaulted; an unknown \
            one is an error) and returns the declared parameters (trained). For the adapters in use, `input` (optional) \
            changes the layer's input, then the wrapped layer runs, then `forward` (optional) changes its output; \
            state = {<parameters>, options, layer, training}. `merge` (optional) folds the adapter into the base \
            weights. `targets` are the default target_modules. Files use peft_type (default: the name upper-cased) and \
            keys "<module path>.<parameter>". Errors in these functions propagate with their traceback. Names of \
            strategies not written in Lua cannot be taken; registering a name again replaces it.
            Example:
            loraf.register_strategy{name = "doc_scale", parameters = {"doc_s"}, targets = {"value"},
              init = function(layer) return {doc_s = loraf.zeros{layer.out_features} + 1} end,
              forward = function(state, x, base_output) return base_output * state.doc_s end}
            local model = loraf.load_model("models/all-MiniLM-L6-v2")
            model:adapt{strategy = "doc_scale", name = "s", modules_to_save = {}}
            local params = model:named_parameters{trainable = true}
            print(#params, params[1].name, params[1].tensor)
            --> 6\tbert.encoder.layer.0.attention.self.value.doc_s.s\tTensor [384] float32  values 1, 1, 1, ..., 1, 1, 1  min 1  max 1  mean 1  requires grad
            """) { args in
            let o = try args.options(1, keys: keys)
            let name = try o.required("name", o.string)
            let registry = StrategyRegistry.shared
            guard !name.isEmpty, !name.contains(".") else { throw o.error("name", mustBe: "a non-empty name without '.'") }
            if let existing = try? registry.strategy(named: name), !(existing is LuaStrategy) {
                throw o.error("name", mustBe: "a name no built-in or Swift plugin strategy uses")
            }
            let peftType = try o.string("peft_type") ?? name.uppercased()
            if let owner = try? registry.strategy(peftType: peftType), owner.name != name {
                throw o.error("peft_type", mustBe: "a peft_type no other strategy uses ('\(owner.name)' has \(peftType))")
            }
            let parameters = try o.required("parameters", o.stringList)
            guard !parameters.isEmpty, Set(parameters).count == parameters.count,
                  parameters.allSatisfy({ !$0.isEmpty && !$0.contains(".") && !reservedNames.contains($0) }) else {
                throw o.error("parameters", mustBe: "a non-empty list of distinct names without '.', none of \(reservedNames.sorted().joined(separator: ", "))")
            }
            let input = try o.function("input"), forward = try o.function("forward")
            guard input != nil || forward != nil else {
                throw LuaError.argument("\(o.function): give 'forward' (and/or 'input'): a strategy must change something")
            }
            let definition = LuaStrategyDefinition(
                name: name, peftType: peftType, defaultTargets: try o.stringList("targets"), parameterNames: parameters,
                optionDefaults: try optionDefaults(o), initialize: try o.required("init", o.function),
                input: input, forward: forward, merge: try o.function("merge"))
            registry.register(LuaStrategy(definition))
            if !args.state.extensions.table.strategies.contains(name) { args.state.extensions.table.strategies.append(name) }
            return []
        }
    }

    /// `options`: the strategy's own option names with their defaults; the names model:adapt handles itself are taken.
    private static func optionDefaults(_ o: LuaOptions) throws -> [String: OptionValue] {
        let given: [String: LuaValue]
        switch o.value("options") {
        case .nil: return [:]
        case .list(let items) where items.isEmpty: return [:]
        case .record(let fields): given = fields
        default: throw o.error("options", mustBe: "a table of option names and default values")
        }
        let taken = Set(LuaStrategy.selectionKeys + ["strategy", "name", "modules_to_save"])
        if let clash = given.keys.sorted().first(where: { taken.contains($0) }) {
            throw o.error("options", mustBe: "a table of the strategy's own options ('\(clash)' is handled by model:adapt)")
        }
        return try given.mapValues { try AdapterBindings.optionValue($0, key: "options", function: o.function) }
    }
}
