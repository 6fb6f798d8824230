import LorafModels

/// A strategy's layer wrapper (LoRALinear, BottleneckAdapterLayer, BitFitBiasLayer): it keeps the layer it wraps
/// as its `base_layer` child and holds any number of named adapters.
protocol AdapterWrapper: UnaryModule {
    /// A wrapper around `base` (registered as its `base_layer` child), with no adapter yet.
    init(base: UnaryModule)
    /// Removes adapter `name`; returns whether any adapter is left.
    func removeAdapter(_ name: String) -> Bool
}

extension AdapterWrapper {
    /// The wrapped layer (registered in `init(base:)`, never removed).
    var baseLayer: UnaryModule { childIfPresent("base_layer") as! UnaryModule }

    /// The wrapper of this type for the module at `path`: the one already on its wrapper chain, or a new one put
    /// in place of the module at `path`.
    /// - Throws: `StrategyError.invalidState` when the module at `path` is missing or is not a layer with one
    ///   input; `ModelError.missing` from `replaceModule` when its parent is missing.
    static func wrapping(_ path: String, in model: TransformerModel) throws -> Self {
        if let existing = wrapperInChain(Self.self, from: path, in: model)?.layer { return existing }
        guard let base = model.module(at: path) as? UnaryModule else {
            throw StrategyError.invalidState("cannot wrap '\(path)': \(model.module(at: path)?.kind ?? "no module") is not a layer with one input")
        }
        let wrapper = Self(base: base)
        try model.replaceModule(at: path) { _ in wrapper }
        return wrapper
    }
}

/// Removes adapter `name` from each of `layers`; a wrapper left with no adapter is replaced by the layer it wraps.
/// - Throws: `ModelError.missing` from `replaceModule` when a wrapper's parent is gone.
func removeAdapter<W: AdapterWrapper>(_ name: String, from layers: [(path: String, layer: W)], in model: TransformerModel) throws {
    for (path, layer) in layers where !layer.removeAdapter(name) {
        try model.replaceModule(at: path) { _ in layer.baseLayer }
    }
}

/// Runs `attachLayers`; when it throws, takes `adapter` off `model` again (best effort) and rethrows, so a failed
/// attach leaves no half-added adapter behind.
func attachOrRollBack(_ adapter: Adapter, to model: AdaptedModel, _ attachLayers: () throws -> Void) throws -> Adapter {
    do {
        try attachLayers()
    } catch {
        try? adapter.remove(from: model)
        throw error
    }
    return adapter
}
