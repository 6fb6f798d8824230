import Foundation
import LorafDistributed
import LorafFormats
import LorafStrategies

/// The adapter methods of the `Model` class: `model:adapt{...}`, `set_adapter`, `merge`, `save_adapter`...
enum AdapterBindings {
    static func register(on modelClass: LuaClass<ModelObject>) {
        modelClass.method("adapt", doc: """
            model:adapt{strategy = "lora", name = "default", target_modules = {...}, modules_to_save = {...}, ...}
            Attaches a new adapter made by `strategy` ("lora"...) under `name` and makes it active; every other \
            key is the strategy's option (LoRA: r = 8, lora_alpha = 8, lora_dropout = 0, target_modules, bias...), \
            validated by the strategy, so an unknown key or a bad value is an error naming it. target_modules = \
            "all-linear" selects every linear layer but the head (lm_head, classifier, score); layers_to_transform \
            takes negative indices counting from the end (-1: the last layer). modules_to_save \
            lists modules trained in full (default: the classification head). Returns the adapter name.
            """) { object, args in
            guard case .record(let fields) = args.value(2) else {
                throw args.error(2, "table of named arguments expected, got \(args.value(2).errorDescription)")
            }
            var values: [String: OptionValue] = [:]
            for (key, value) in fields { values[key] = try optionValue(value, key: key, function: args.function) }
            if case .string(let preset)? = values["target_modules"],
               let paths = try PluginBindings.targetPreset(preset, model: object, function: args.function, extensions: args.state.extensions) {
                values["target_modules"] = .list(paths.map(OptionValue.string))
            }
            let options = Options(values, context: args.function)
            guard case .string(let strategyName)? = values["strategy"] else {
                throw LuaError.argument("\(args.function): 'strategy' must be a strategy name (one of: \(StrategyRegistry.shared.names.joined(separator: ", "))), got \(fields["strategy"]?.errorDescription ?? "nil")")
            }
            var name = "default"
            if let given = values["name"] {
                guard case .string(let text) = given else { throw LuaError.argument("\(args.function): 'name' must be a string, got \(given)") }
                name = text
            }
            let strategy = try StrategyRegistry.shared.strategy(named: strategyName)
            do {
                try object.adapted.adapt(strategy: strategy, name: name, options: options)
            } catch StrategyError.invalidOption(let message) {
                throw LuaError.argument(message) // already "Model:adapt: 'key' ...", the named-argument format
            } catch StrategyError.noMatch(let message) {
                throw LuaError.argument(message) // already prefixed with the function's name
            }
            return [.string(name)]
        }
        modelClass.method("summary", doc: """
            model:summary() -> string, {trainable = n, total = n, percent = p}
            PEFT's print_trainable_parameters line ("trainable params: ... || all params: ... || trainable%: ...") \
            followed by one line per adapter (strategy, own parameters, modules_to_save); also as numbers.
            """) { object, _ in
            let summary = object.adapted.summary()
            return [.string(summary.description), .record(["trainable": .integer(summary.trainable), "total": .integer(summary.total),
                                                          "percent": .number(summary.trainablePercent)])]
        }
        modelClass.method("set_adapter", doc: """
            model:set_adapter(name)
            Makes the attached adapter `name` the one forward uses and training updates.
            """) { object, args in try object.adapted.setAdapter(try args.string(2)); return [] }
        modelClass.method("disable_adapters", doc: """
            model:disable_adapters()
            Runs the base model: no adapter applies (a merged adapter is unmerged first) until enable_adapters().
            """) { object, _ in try object.adapted.disableAdapters(); return [] }
        modelClass.method("enable_adapters", doc: """
            model:enable_adapters()
            Re-enables the active adapter after disable_adapters().
            """) { object, _ in object.adapted.enableAdapters(); return [] }
        modelClass.method("delete_adapter", doc: """
            model:delete_adapter(name)
            Removes adapter `name` and every module and parameter it added.
            """) { object, args in try object.adapted.deleteAdapter(try args.string(2)); return [] }
        modelClass.method("merge", doc: """
            model:merge([{safe_merge = false}])
            Folds the active adapter into the base weights (LoRA: W + (alpha / r) B A), so forward costs what the \
            base model costs; errors for a strategy that cannot merge. A merge that fails part-way is undone. With \
            safe_merge = true (PEFT's option) the base weights are copied aside and every merged weight is checked \
            for NaN and infinity; on failure the base is restored bit for bit and merge errors naming the weight.
            """) { object, args in
            let options = try args.options(2, keys: ["safe_merge"])
            try object.adapted.merge(safe: try options.boolean("safe_merge") ?? false)
            return []
        }
        modelClass.method("unmerge", doc: """
            model:unmerge()
            Restores the base weights from before merge().
            """) { object, _ in try object.adapted.unmerge(); return [] }
        modelClass.method("save_adapter", doc: """
            model:save_adapter(dir [, name])
            Writes adapter `name` (default: the active one) as a PEFT folder: adapter_config.json and \
            adapter_model.safetensors in `dir`, created if needed; each file is replaced atomically. Under \
            mpirun only rank 0 writes (the ranks hold the same weights after loraf.train); the others check the \
            arguments and return.
            """) { object, args in
            let directory = URL(fileURLWithPath: try args.string(2))
            guard let name = try args.optionalString(3) ?? object.adapted.activeAdapter else {
                throw args.error(3, "no adapter is attached, so there is none to save")
            }
            guard Distributed.world.isMain else { return [] }
            try AdapterFiles.save(object.adapted, adapter: name, to: directory, baseModelName: object.directory.path)
            return []
        }
        modelClass.method("export_gguf_adapter", doc: """
            model:export_gguf_adapter(path [, {adapter = name, type = "f32"}]) -> {string}
            Writes a LoRA adapter (default: the active one) as a llama.cpp LoRA adapter GGUF at `path` (replaced \
            atomically), for `llama-cli -m BASE.gguf --lora path`: tensors blk.N.attn_q.weight.lora_a [r, in] and \
            .lora_b [out, r] of `type` "f32" or "f16", adapter.lora.alpha, q/k rows in llama.cpp's RoPE order. \
            Errors for an adapter with trained biases or modules_to_save. Returns the tensor names written.
            """) { object, args in
            let path = try args.string(2)
            let options = try args.options(3, keys: ["adapter", "type"])
            guard let name = try options.string("adapter") ?? object.adapted.activeAdapter else {
                throw args.error(2, "no adapter is attached, so there is none to export")
            }
            let type: GGMLType
            switch try options.string("type") ?? "f32" {
            case "f32": type = .f32
            case "f16": type = .f16
            default: throw options.error("type", mustBe: "\"f32\" or \"f16\"")
            }
            let names = try LlamaCppAdapter.export(object.adapted, adapter: name, to: URL(fileURLWithPath: path), type: type)
            return [.list(names.map(LuaValue.string))]
        }
        modelClass.method("load_adapter", doc: """
            model:load_adapter(dir [, name = "default" [, {is_trainable = false}]])
            Loads the PEFT adapter folder `dir` as adapter `name` and makes it active. Every tensor is checked \
            against the model (names, shapes, NaN and infinity); on error the model is left as it was. As in PEFT \
            the adapter is loaded for inference, its parameters frozen, unless is_trainable = true; \
            model:summary() marks it "inference only".
            """) { object, args in
            let options = try args.options(4, keys: ["is_trainable"])
            try AdapterFiles.load(into: object.adapted, from: URL(fileURLWithPath: try args.string(2)), name: try args.optionalString(3) ?? "default",
                                  trainable: try options.boolean("is_trainable") ?? false)
            return []
        }
        modelClass.method("adapters", doc: """
            model:adapters() -> {{name = string, strategy = string, active = boolean, merged = boolean}}
            The attached adapters in the order they were added. `active` marks the one forward uses (false for all \
            while adapters are disabled).
            """) { object, _ in
            let model = object.adapted
            return [.list(try model.adapterNames.map { name in
                .record([
                    "name": .string(name), "strategy": .string(try model.adapter(name).strategy.name),
                    "active": .boolean(!model.adaptersDisabled && model.activeAdapter == name),
                    "merged": .boolean(model.merged.contains(name)),
                ])
            })]
        }
    }

    /// A Lua value as a strategy option.
    /// - Throws: `function: 'key' must be a number, string, boolean or table, got function` for other values.
    static func optionValue(_ value: LuaValue, key: String, function: String) throws -> OptionValue {
        switch value {
        case .nil: return .null
        case .boolean(let b): return .bool(b)
        case .integer(let i): return .int(i)
        case .number(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list(let items): return .list(try items.map { try optionValue($0, key: key, function: function) })
        case .record(let fields): return .table(try fields.mapValues { try optionValue($0, key: key, function: function) })
        case .object, .function, .other:
            throw LuaError.argument("\(function): '\(key)' must be a number, string, boolean or table, got \(value.errorDescription)")
        }
    }
}
