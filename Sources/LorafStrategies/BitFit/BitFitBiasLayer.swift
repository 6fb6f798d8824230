import LorafModels
import LorafTensor

/// Per-adapter bias vectors for a layer whose bias is added to its output (Linear: x·Wᵀ + b; LayerNorm: γ·x̂ + β),
/// as BitFit trains them (Ben Zaken et al. 2022).
///
/// Children: `base_layer` (the wrapped layer; its tensors are never modified except by `merge`) and
/// `bitfit.<adapter>`, a module holding that adapter's `bias` [out], initialised to a copy of the base bias. So the
/// in-memory path of a trained bias reads `bert.encoder.layer.0.attention.self.query.bitfit.sst2.bias`.
///
/// forward: y = base(x) + (b_adapter − b_base) for the adapter in use, [..., out] → [..., out]. A fresh adapter
/// adds exactly zero, disabled adapters add nothing (the base model runs), and in a mixed-adapter batch each row
/// gets only its own adapter's difference. Merging writes b_adapter into the base bias and keeps the original, so
/// unmerging restores it bit for bit.
public final class BitFitBiasLayer: UnaryModule, AdapterWrapper {
    public override var kind: String { "BitFitBias" }
    /// The adapter whose bias is currently written into the base layer, and the base bias from before.
    private(set) var merged: (adapter: String, original: Tensor)?

    init(base: UnaryModule) {
        super.init()
        register(child: "base_layer", base)
        register(child: "bitfit", Module())
    }

    private var biases: Module { childIfPresent("bitfit")! } // registered in init, never removed

    /// The base layer's bias [out]. Throws when the wrapped layer has none.
    var baseBias: Tensor {
        get throws {
            guard let b = baseLayer.parameterIfPresent("bias") else { throw StrategyError.invalidState("BitFit: \(baseLayer.kind) has no bias") }
            return b
        }
    }

    /// Adapter names with a bias here.
    var adapterNames: [String] { biases.childNames }

    /// Adapter `name`'s bias [out], if it has one here.
    func bias(of name: String) -> Tensor? { biases.childIfPresent(name)?.parameterIfPresent("bias") }

    /// Adds adapter `name` with a bias initialised to the base bias.
    func addAdapter(_ name: String) throws {
        let holder = Module()
        holder.register(parameter: "bias", try (merged?.original ?? baseBias).copy())
        biases.register(child: name, holder)
    }

    /// Removes adapter `name`; returns whether any adapter is left.
    func removeAdapter(_ name: String) -> Bool {
        biases.removeChild(name)
        return !adapterNames.isEmpty
    }

    /// Writes adapter `name`'s bias into the base bias, keeping the original.
    func merge(_ name: String) throws {
        guard merged == nil, let value = bias(of: name) else { throw StrategyError.invalidState("BitFit: cannot merge '\(name)' here") }
        let target = try baseBias
        let original = target.copy()
        try GradMode.disabled { try target.assign(value) }
        merged = (name, original)
    }

    /// Restores the base bias from before `merge`.
    func unmerge() throws {
        guard let (_, original) = merged else { return }
        try GradMode.disabled { try baseBias.assign(original) }
        merged = nil
    }

    public override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        var y = try baseLayer.forward(x, context)
        let reference = try merged?.original ?? baseBias
        for name in context.adaptersInUse where name != merged?.adapter {
            guard let b = bias(of: name) else { continue }
            var shift = try b - reference.detached()
            if let mask = try context.rowMask(for: name, like: y) { shift = try mask * shift }
            y = try y + shift
        }
        return y
    }
}
