import LorafStrategies
import LorafTraining

/// `loraf.register_schedule`, `loraf.register_dataset_reader`, `loraf.register_target_preset` and
/// `loraf.register_callback`: how Lua plugins (plugins/NAME/init.lua) extend the module. What they register is
/// kept in ``LuaState/extensions`` and used by `loraf.train`, `loraf.dataset` and `model:adapt`.
enum PluginBindings: LuaBindings {
    static func register(in module: LuaModuleBuilder) throws {
        module.function("register_schedule", doc: """
            loraf.register_schedule(name, function(step, run) -> lr)
            Makes `name` usable as loraf.train's schedule ("name" or {"name", key = value, ...}). The function \
            gets the 1-based optimiser step and `run` = {total_steps, lr (the optimiser's peak rate), options \
            (the schedule table's named fields)} and returns the learning rate (finite, >= 0). Names of built-in \
            schedules (constant, linear, cosine) cannot be taken; registering a name again replaces it.
            """) { args in
            let name = try newName(args, taken: ["constant", "linear", "cosine"], what: "schedule")
            args.state.extensions.table.schedules[name] = try args.function(2)
            return []
        }
        module.function("register_dataset_reader", doc: """
            loraf.register_dataset_reader(name, function(path, options) -> examples)
            Makes `name` usable as loraf.dataset's format. The function gets the path and the options table and \
            returns a list of {text = string, label = integer (0-based), text_pair = string or nil}. Built-in \
            format names (text, label_text, csv, tsv, jsonl) cannot be taken.
            """) { args in
            let name = try newName(args, taken: ["text", "label_text", "csv", "tsv", "jsonl"], what: "dataset format")
            args.state.extensions.table.datasetReaders[name] = try args.function(2)
            return []
        }
        module.function("register_target_preset", doc: """
            loraf.register_target_preset(name, function(model, heads) -> paths)
            Makes `name` usable as target_modules in model:adapt{...}: the function gets the Model and the list \
            of its task-head module paths, and returns the list of module paths to adapt. "all-linear" is \
            built in (every linear layer but the head) and cannot be taken.
            """) { args in
            let name = try newName(args, taken: [TargetSelector.allLinear], what: "target preset")
            args.state.extensions.table.targetPresets[name] = try args.function(2)
            return []
        }
        module.function("register_callback", doc: """
            loraf.register_callback(event, function(info))
            Runs the function in every loraf.train, after that call's own on_<event>: event "step" (info as \
            on_step's), "eval" (as on_eval's) or "epoch" (the epoch number). An error in it stops training as an \
            error in on_<event> does.
            """) { args in
            let event = try args.string(1)
            guard LuaExtensions.callbackEvents.contains(event) else {
                throw args.error(1, "event must be one of \(LuaExtensions.callbackEvents.map { "\"\($0)\"" }.joined(separator: ", ")), got \"\(event)\"")
            }
            args.state.extensions.table.callbacks[event, default: []].append(try args.function(2))
            return []
        }
    }

    /// Argument 1 as a registrable name: non-empty and not one of `taken`.
    private static func newName(_ args: LuaArguments, taken: Set<String>, what: String) throws -> String {
        let name = try args.string(1)
        guard !name.isEmpty else { throw args.error(1, "the \(what) name must not be empty") }
        guard !taken.contains(name) else { throw args.error(1, "'\(name)' is a built-in \(what) and cannot be replaced") }
        return name
    }
}

// MARK: Using what plugins registered

extension PluginBindings {
    /// loraf.train's `schedule` when it names a registered schedule ("name" or {"name", key = value}); nil otherwise.
    static func schedule(_ options: LuaOptions, extensions: LuaExtensions) throws -> TrainingConfig.ScheduleChoice? {
        var fields: [String: LuaValue] = [:]
        let name: String
        switch options.value("schedule") {
        case .string(let given): name = given
        case .list(let items) where items.count == 1: name = items[0].stringValue ?? ""
        case .record(let given): fields = given; name = given["1"]?.stringValue ?? ""
        default: return nil
        }
        guard let function = extensions.table.schedules[name] else { return nil }
        fields["1"] = nil
        return .customOverRun { step, totalSteps, peak in
            let run = LuaValue.record(["total_steps": .integer(totalSteps), "lr": .number(peak), "options": .record(fields)])
            guard let rate = try function.call([.integer(step), run]).first?.numberValue else {
                throw TrainingError.invalidConfig("schedule '\(name)' must return a number for step \(step)")
            }
            return rate
        }
    }

    /// The examples a registered dataset reader returns when `options.format` names one; nil otherwise.
    /// - Throws: `LuaError.argument` naming the example for an entry without text or with a bad label.
    static func readDataset(_ path: String, _ options: LuaOptions, table: LuaValue, extensions: LuaExtensions) throws -> TextClassificationDataset? {
        guard let format = try options.string("format"), let reader = extensions.table.datasetReaders[format] else { return nil }
        let numLabels = try options.positiveInteger("num_labels")
        guard case .list(let items)? = try reader.call([.string(path), table.isPresent ? table : .record([:])]).first else {
            throw LuaError.argument("\(options.function): dataset reader '\(format)' must return a list of {text = ..., label = ...} for \(path)")
        }
        return TextClassificationDataset(examples: try items.enumerated().map { index, item in
            let place = "\(options.function): dataset reader '\(format)', example \(index + 1) of \(path)"
            guard case .record(let fields) = item, let text = fields["text"]?.stringValue else {
                throw LuaError.argument("\(place): needs a string 'text', got \(item.errorDescription)")
            }
            guard let label = fields["label"]?.integerValue, label >= 0, label < (numLabels ?? Int.max) else {
                throw LuaError.argument("\(place): 'label' must be an integer from 0\(numLabels.map { " to \($0 - 1)" } ?? " up"), got \(fields["label"]?.errorDescription ?? "nil")")
            }
            return TextExample(text: text, textPair: fields["text_pair"]?.stringValue, label: label, source: SourceLocation(file: path, line: index + 1))
        })
    }

    /// The module paths a registered target preset selects, when `name` is one; nil otherwise.
    /// - Throws: `LuaError.argument` when the preset returns something other than a list of module paths.
    static func targetPreset(_ name: String, model: ModelObject, function: String, extensions: LuaExtensions) throws -> [String]? {
        guard let preset = extensions.table.targetPresets[name] else { return nil }
        let heads = LuaValue.list(model.adapted.base.headModulePaths.map(LuaValue.string))
        let result = try preset.call([.object(model), heads]).first ?? .nil
        let paths: [String]
        if case .list(let items) = result, items.allSatisfy({ $0.stringValue != nil }) {
            paths = items.compactMap(\.stringValue)
        } else {
            throw LuaError.argument("\(function): target preset '\(name)' must return a list of module paths, got \(result.errorDescription)")
        }
        return paths
    }
}
