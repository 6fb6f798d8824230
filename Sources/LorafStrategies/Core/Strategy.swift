import Foundation
import LorafModels
import LorafTensor

/// An adaptation strategy: how to attach a named adapter to a model, and how to read one back from disk.
///
/// A strategy is one file or folder: its config, the modules it wraps or inserts, and one registration line in
/// `StrategyRegistry`. LoRA, BitFit and bottleneck adapters are built on this protocol exactly as a plugin
/// strategy is. The requirements may still grow (documented in docs/custom-strategies.md); defaults live in
/// extensions so existing strategies keep compiling.
public protocol Strategy: AnyObject {
    /// The name used in Lua (`model:adapt{strategy = "lora"}`) and in adapter_config.json's `peft_type`
    /// (upper-cased) unless `peftType` says otherwise.
    var name: String { get }
    /// The `peft_type` written to and expected in adapter_config.json ("LORA").
    var peftType: String { get }
    /// Attaches a new adapter called `adapterName`, configured by `options` (validated key by key).
    func attach(to model: AdaptedModel, adapterName: String, options: inout Options) throws -> Adapter
    /// The `attach` options that recreate a saved adapter from its adapter_config.json (`AdapterFiles.load` then
    /// fills the tensors). Throws for a saved feature this strategy does not implement.
    func attachOptions(fromSavedConfig config: [String: OptionValue]) throws -> [String: OptionValue]
}

extension Strategy {
    public var peftType: String { name.uppercased() }
}

/// Keys of adapter_config.json that describe the file rather than the adapter (dropped before `attach`).
public let adapterFileBookkeepingKeys: Set<String> = ["peft_type", "task_type", "base_model_name_or_path", "inference_mode",
                                                      "loraf_version", "peft_version", "revision", "auto_mapping"]

/// One attached adapter. It owns its parameters (found through the modules it put in the model tree) and knows
/// how to save, merge and remove itself.
public protocol Adapter: AnyObject {
    /// The adapter's name ("default", "sst2").
    var name: String { get }
    /// The strategy that made it.
    var strategy: Strategy { get }
    /// Its own trainable tensors with their in-memory paths (PEFT's naming, e.g.
    /// `bert.encoder.layer.0.attention.self.query.lora_A.sst2.weight`). modules_to_save copies are not included;
    /// `AdaptedModel` adds those.
    func parameters(in model: AdaptedModel) -> [(path: String, tensor: Tensor)]
    /// The tensors to save with their file keys (without the `base_model.model.` prefix and adapter name) and the
    /// config to write as adapter_config.json.
    func stateForSaving(in model: AdaptedModel) throws -> (tensors: [(key: String, tensor: Tensor)], config: [String: OptionValue])
    /// Whether `merge` is supported (folding the adapter into the base weights).
    var canMerge: Bool { get }
    /// Folds the adapter into the base weights (LoRA: W += s·B·A). Throws when unsupported.
    func merge(in model: AdaptedModel) throws
    /// Undoes `merge`.
    func unmerge(in model: AdaptedModel) throws
    /// Removes every module and parameter the adapter added, restoring the tree.
    func remove(from model: AdaptedModel) throws
    /// Modules the adapter trains in full (modules_to_save), by path.
    var modulesToSave: [String] { get }
}

extension Adapter {
    public var canMerge: Bool { false }
    public var modulesToSave: [String] { [] }
    public func merge(in model: AdaptedModel) throws {
        throw StrategyError.invalidState("adapter '\(name)' (\(strategy.name)) cannot be merged")
    }
    public func unmerge(in model: AdaptedModel) throws {
        throw StrategyError.invalidState("adapter '\(name)' (\(strategy.name)) cannot be merged or unmerged")
    }
}

/// Strategies by name: the built-ins, plus whatever plugins register.
public final class StrategyRegistry {
    nonisolated(unsafe) public static let shared = StrategyRegistry()
    private var strategies: [String: Strategy] = [:]

    private init() {
        register(LoRAStrategy())
        register(BitFitStrategy())
        register(BottleneckStrategy())
    }

    /// Adds (or replaces) a strategy under its name.
    public func register(_ strategy: Strategy) { strategies[strategy.name] = strategy }

    /// The strategy `name`. Throws listing the known names.
    public func strategy(named name: String) throws -> Strategy {
        guard let s = strategies[name] else {
            throw StrategyError.invalidOption("unknown strategy '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        return s
    }

    /// The strategy whose adapter_config.json `peft_type` is `peftType`.
    public func strategy(peftType: String) throws -> Strategy {
        guard let s = strategies.values.first(where: { $0.peftType == peftType }) else {
            throw StrategyError.adapterFile("peft_type '\(peftType)' is not supported (known: \(strategies.values.map(\.peftType).sorted().joined(separator: ", ")))")
        }
        return s
    }

    /// Registered names, sorted.
    public var names: [String] { strategies.keys.sorted() }
}
