import Foundation
import LorafModels
import LorafTensor

/// A model with named adapters attached: what Lua's `model` object and the trainer work with.
///
/// Holds the base `TransformerModel` (whose module tree the adapters modify), the adapters by name, which one is
/// active, and whether adapters are disabled. What trains is derived from that state (`trainableParameters`):
/// the active adapter's own parameters plus its modules_to_save copies; with no adapter attached, every
/// parameter (plain full fine-tuning).
public final class AdaptedModel {
    /// The underlying model; its tree includes the adapters' wrappers and modules.
    public let base: TransformerModel
    public private(set) var adapterNames: [String] = []
    private var adapters: [String: Adapter] = [:]
    /// The adapter used by `forward` (the most recently added or set).
    public private(set) var activeAdapter: String?
    /// True after `disableAdapters()`: forward runs the base model.
    public private(set) var adaptersDisabled = false
    /// Adapters loaded for inference only (PEFT's `is_trainable = False`): their parameters stay frozen.
    public private(set) var frozenAdapters: Set<String> = []
    public init(_ base: TransformerModel) {
        self.base = base
        refreshTrainable()
    }

    /// The adapter `name`. Throws listing the attached adapters.
    public func adapter(_ name: String) throws -> Adapter {
        guard let a = adapters[name] else {
            throw StrategyError.unknownAdapter("no adapter named '\(name)' (attached: \(adapterNames.isEmpty ? "none" : adapterNames.joined(separator: ", ")))")
        }
        return a
    }

    // MARK: Attaching and removing

    /// Attaches a new adapter with `strategy` configured by `options`, and makes it active.
    /// `target_modules = "all-linear"` and negative `layers_to_transform` indices are resolved here for every
    /// strategy (`TargetSelector.resolvingShorthands`).
    /// The generic option `modules_to_save` (module paths, PEFT's suffix rule) is handled here for every strategy;
    /// task heads are added to it by default for classification models only, as PEFT does for SEQ_CLS.
    /// - Throws: `StrategyError` for a bad option, a name in use, or targets that match nothing.
    @discardableResult
    public func adapt(strategy: Strategy, name: String, options: Options) throws -> Adapter {
        guard !name.isEmpty, !name.contains(".") else {
            throw StrategyError.invalidOption("\(options.context): adapter name '\(name)' must be non-empty and contain no '.'")
        }
        guard adapters[name] == nil else { throw StrategyError.invalidOption("\(options.context): an adapter named '\(name)' is already attached") }
        var options = try TargetSelector.resolvingShorthands(options, in: base)
        let givenSaveTargets = try options.strings("modules_to_save")
        options.ignore(["strategy", "name"])
        let adapter = try strategy.attach(to: self, adapterName: name, options: &options)
        do {
            try options.finish()
            // The default is a classification model's head (a causal LM's lm_head stays frozen, as in PEFT), leaving
            // out a head the adapter itself adapts (target_modules = {"classifier"}).
            let heads = base.numLabels != nil ? base.headModulePaths : []
            let saveTargets = givenSaveTargets ?? heads.filter { !(base.module(at: $0) is AdapterWrapper) }
            try attachModulesToSave(saveTargets, for: name, context: options.context)
        } catch {
            try? detachModulesToSave(for: name)
            try? adapter.remove(from: self)
            throw error
        }
        adapters[name] = adapter
        adapterNames.append(name)
        activeAdapter = name
        adaptersDisabled = false
        refreshTrainable()
        return adapter
    }

    /// Makes `name` the adapter forward uses and training updates.
    public func setAdapter(_ name: String) throws {
        _ = try adapter(name)
        guard merged.isEmpty || merged == [name] else {
            throw StrategyError.invalidState("cannot switch to '\(name)' while \(merged.joined(separator: ", ")) is merged; unmerge first")
        }
        activeAdapter = name
        adaptersDisabled = false
        refreshTrainable()
    }

    /// Runs the base model: no adapter applies (a merged adapter is unmerged first, as PEFT does).
    public func disableAdapters() throws {
        for name in merged { try adapters[name]?.unmerge(in: self) }
        merged.removeAll()
        adaptersDisabled = true
        refreshTrainable()
    }

    /// Re-enables the active adapter after `disableAdapters()`.
    /// Runs `body` with the base in evaluation mode (no dropout) and gradients off (as torch's `model.eval()` with
    /// `torch.no_grad()`), then restores the previous mode, also when `body` throws.
    public func evaluating<R>(_ body: () throws -> R) rethrows -> R {
        let wasTraining = base.isTraining
        base.eval()
        defer { base.setTraining(wasTraining) }
        return try GradMode.disabled(body)
    }

    public func enableAdapters() {
        adaptersDisabled = false
        refreshTrainable()
    }

    /// Removes adapter `name` and every module and parameter it added.
    public func deleteAdapter(_ name: String) throws {
        let a = try adapter(name)
        if merged.contains(name) {
            try a.unmerge(in: self)
            merged.removeAll { $0 == name }
        }
        try a.remove(from: self)
        try detachModulesToSave(for: name)
        adapters[name] = nil
        frozenAdapters.remove(name)
        adapterNames.removeAll { $0 == name }
        if activeAdapter == name { activeAdapter = adapterNames.last }
        refreshTrainable()
    }

    // MARK: Merging

    /// Adapters currently folded into the base weights.
    public private(set) var merged: [String] = []

    /// Folds the active adapter into the base weights (fp32), so forward costs what the base model costs.
    /// A merge that fails part-way is undone, so the model is never left half-merged.
    /// - Parameter safe: PEFT's `safe_merge`: the base weights are copied aside first and every one is checked
    ///   for NaN or infinity after the merge; on failure they are restored bit for bit and the merge throws.
    /// - Throws: `StrategyError.invalidState` for no active adapter, one already merged, a strategy that cannot
    ///   merge, or (safe) a merged weight that is not finite, naming it.
    public func merge(safe: Bool = false) throws {
        guard let name = activeAdapter, !adaptersDisabled else { throw StrategyError.invalidState("merge: no active adapter") }
        guard !merged.contains(name) else { throw StrategyError.invalidState("merge: adapter '\(name)' is already merged") }
        let adapter = try adapter(name)
        let baseWeights = base.namedParameters().filter { !AdapterPaths.isAdapterOwned($0.path) }
        let saved = safe ? baseWeights.map { $0.tensor.copy() } : []
        func restore() { // undoes the strategy's merge marks; with copies, also restores the weights bit for bit
            try? adapter.unmerge(in: self)
            for (weight, copy) in zip(baseWeights, saved) { try? weight.tensor.assign(copy) }
        }
        do {
            try adapter.merge(in: self)
        } catch {
            restore()
            throw error
        }
        if safe, let bad = baseWeights.first(where: { $0.tensor.firstNonFiniteIndex != nil }) {
            restore()
            throw StrategyError.invalidState("merge: adapter '\(name)' would make '\(bad.path)' non-finite (NaN or infinity); the base weights are unchanged")
        }
        merged.append(name)
    }

    /// Restores the base weights from before `merge()`.
    public func unmerge() throws {
        guard !merged.isEmpty else { throw StrategyError.invalidState("unmerge: no adapter is merged") }
        for name in merged.reversed() { try adapters[name]?.unmerge(in: self) }
        merged.removeAll()
    }

    // MARK: Running

    /// The format frozen linear layers compute in (``ComputeDType``), given to every pass's context by
    /// ``forward(_:_:)``. Default fp32. Setting fp32 releases the bf16 panels the layers kept (``BF16PanelHolder``).
    public var computeDType = ComputeDType.fp32 {
        didSet {
            guard computeDType == .fp32 else { return }
            for (_, module) in base.namedModules() { (module as? BF16PanelHolder)?.releaseBF16Panels() }
        }
    }

    /// The forward pass with the active adapter (or, per example, `input.adapterNames`), frozen linears computing in
    /// ``computeDType``.
    /// - Throws: for an unknown adapter name in a mixed batch, or a mixed batch while an adapter is merged.
    public func forward(_ input: ModelInput, _ context: ForwardContext) throws -> ModelOutput {
        if let rows = input.adapterNames {
            for case let name? in rows where adapters[name] == nil {
                throw StrategyError.unknownAdapter("adapter_names: no adapter named '\(name)' (attached: \(adapterNames.joined(separator: ", ")))")
            }
            guard merged.isEmpty else {
                throw StrategyError.invalidState("adapter_names: cannot mix adapters in a batch while \(merged.joined(separator: ", ")) is merged; unmerge first")
            }
        }
        // A merged adapter stays active: its layers skip the delta already in the weights, while its
        // modules_to_save copies still apply.
        context.activeAdapters = adaptersDisabled ? [] : (activeAdapter.map { [$0] } ?? [])
        context.computeDType = computeDType
        let previousRows = context.rowAdapters
        context.rowAdapters = input.adapterNames
        defer { context.rowAdapters = previousRows }
        return try base.forward(input, context)
    }

    /// A context in the model's current mode whose dropout stream comes from `seed`.
    public func makeContext(seed: UInt64 = 0) -> ForwardContext { base.makeContext(seed: seed) }

    // MARK: Inference-only adapters

    /// Freezes (`trainable == false`, PEFT's inference mode) or unfreezes adapter `name`'s parameters.
    /// - Throws: `StrategyError.unknownAdapter` for a name that is not attached.
    public func setTrainable(_ name: String, _ trainable: Bool) throws {
        _ = try adapter(name)
        if trainable { frozenAdapters.remove(name) } else { frozenAdapters.insert(name) }
        refreshTrainable()
    }

    // MARK: Parameters

    /// What training updates, with in-memory paths: the active adapter's parameters and its modules_to_save
    /// copies; every parameter when no adapter is attached; nothing while adapters are disabled.
    public var trainableParameters: [(path: String, tensor: Tensor)] {
        guard !adaptersDisabled else { return [] }
        guard let name = activeAdapter, let adapter = adapters[name] else { return base.namedParameters() }
        guard !frozenAdapters.contains(name) else { return [] }
        return adapter.parameters(in: self) + modulesToSaveParameters(for: name)
    }

    /// Sets `requiresGrad` on every parameter from `trainableParameters` (all others frozen).
    public func refreshTrainable() {
        let trainable = Set(trainableParameters.map { ObjectIdentifier($0.tensor) })
        for (_, tensor) in base.namedParameters() { tensor.requiringGrad(trainable.contains(ObjectIdentifier(tensor))) }
    }

    /// Paths of every parameter, as in `base.namedParameters()`.
    public var allParameters: [(path: String, tensor: Tensor)] { base.namedParameters() }

    // MARK: modules_to_save

    /// Whether some module's path equals `target` or ends with "." + `target` (PEFT's modules_to_save rule).
    public func hasModule(matching target: String) -> Bool {
        base.namedModules().contains { $0.path == target || $0.path.hasSuffix("." + target) }
    }

    private func attachModulesToSave(_ targets: [String], for name: String, context: String) throws {
        guard !targets.isEmpty else { return }
        let paths = base.namedModules().map(\.path).filter { path in
            !path.isEmpty && !AdapterPaths.isInsideWrapper(path)
        }
        for target in targets {
            let matches = paths.filter { $0 == target || $0.hasSuffix("." + target) }
            guard !matches.isEmpty else {
                throw StrategyError.noMatch("modules_to_save: '\(target)' matches no module (top-level modules: \(base.childNames.joined(separator: ", ")))")
            }
            for path in matches {
                guard let module = base.module(at: path) else { continue }
                if let wrapper = module as? ModulesToSaveWrapper {
                    try wrapper.addCopy(for: name)
                } else if module is AdapterWrapper {
                    throw StrategyError.invalidOption("\(context): modules_to_save: '\(path)' is adapted by this adapter (a \(module.kind)); a module is either adapted or trained in full: drop it from target_modules or from modules_to_save")
                } else if let unary = module as? UnaryModule {
                    let wrapper = ModulesToSaveWrapper(original: unary)
                    try wrapper.addCopy(for: name)
                    try base.replaceModule(at: path) { _ in wrapper }
                } else {
                    throw StrategyError.invalidOption("modules_to_save: '\(path)' is a \(module.kind), which cannot be trained as a copy")
                }
            }
        }
    }

    private func detachModulesToSave(for name: String) throws {
        for (path, module) in base.namedModules() {
            guard let wrapper = module as? ModulesToSaveWrapper, wrapper.adapterNames.contains(name) else { continue }
            wrapper.copies.removeChild(name)
            if wrapper.adapterNames.isEmpty { try base.replaceModule(at: path) { _ in wrapper.original } }
        }
    }

    /// The modules_to_save copies of adapter `name`: (in-memory path, tensor).
    func modulesToSaveParameters(for name: String) -> [(path: String, tensor: Tensor)] {
        base.namedParameters().filter { $0.path.contains(".modules_to_save.\(name).") || $0.path.hasPrefix("modules_to_save.\(name).") }
    }

    /// Module paths that have a modules_to_save copy for `name`, as PEFT lists them (the wrapper's path).
    func modulesToSavePaths(for name: String) -> [String] {
        base.namedModules().compactMap { path, module in
            (module as? ModulesToSaveWrapper)?.adapterNames.contains(name) == true ? path : nil
        }
    }
}
