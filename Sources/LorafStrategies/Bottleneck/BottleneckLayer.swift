import LorafModels
import LorafTensor

/// A projection followed by bottleneck adapters (Houlsby et al. 2019; Pfeiffer et al. 2021), keyed by adapter
/// name: y = h + up(act(down(h))) with h = base(x), for the adapter in use.
///
/// Children: `base_layer` (the wrapped projection, frozen), `adapter_down.<adapter>` (Linear out → out / reduction
/// factor, with bias) and `adapter_up.<adapter>` (Linear back to out, with bias), so in-memory paths read
/// `...output.dense.adapter_down.sst2.weight`. Input [..., in] → output [..., out]. In a mixed-adapter batch each
/// row gets only its own adapter's term; rows naming no adapter get h.
public final class BottleneckAdapterLayer: UnaryModule, AdapterWrapper {
    public override var kind: String { "BottleneckAdapter" }
    private var activations: [String: Activation] = [:]

    init(base: UnaryModule) {
        super.init()
        register(child: "base_layer", base)
        register(child: "adapter_down", Module())
        register(child: "adapter_up", Module())
    }

    private var down: Module { childIfPresent("adapter_down")! } // registered in init, never removed
    private var up: Module { childIfPresent("adapter_up")! }

    /// Adapter names with an adapter here.
    var adapterNames: [String] { down.childNames }

    public override var summaryLine: String {
        adapterNames.map { "\($0): bottleneck=\(projection($0, down: true)?.outFeatures ?? 0), act=\(activations[$0]?.rawValue ?? "?")" }
            .joined(separator: "; ")
    }

    /// The down (true) or up (false) projection of adapter `name`.
    func projection(_ name: String, down isDown: Bool) -> Linear? {
        (isDown ? down : up).childIfPresent(name) as? Linear
    }

    /// Adds adapter `name` with a bottleneck of `size` units: down weight N(0, `downStd`²), up weight and both
    /// biases zero, so the new adapter leaves the output unchanged.
    /// - Throws: when the wrapped layer is not (a wrapper of) a Linear.
    func addAdapter(_ name: String, size: Int, activation: Activation, downStd: Float, rng: inout RandomGenerator) throws {
        guard let linear = innermostLinear(baseLayer) else {
            throw StrategyError.invalidState("bottleneck adapters need a Linear under \(baseLayer.kind)")
        }
        let width = linear.outFeatures
        down.register(child: name, Linear(inFeatures: width, outFeatures: size, initialization: .normal(std: downStd), rng: &rng))
        up.register(child: name, Linear(inFeatures: size, outFeatures: width, initialization: .zeros, rng: &rng))
        activations[name] = activation
    }

    /// Removes adapter `name`; returns whether any adapter is left.
    func removeAdapter(_ name: String) -> Bool {
        down.removeChild(name)
        up.removeChild(name)
        activations[name] = nil
        return !adapterNames.isEmpty
    }

    public override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        let h = try baseLayer.forward(x, context)
        var y = h
        for name in context.adaptersInUse {
            guard let activation = activations[name] else { continue }
            var update = try up.child(name).forward(activation.apply(down.child(name).forward(h, context)), context)
            if let mask = try context.rowMask(for: name, like: h) { update = try update * mask }
            y = try y + update
        }
        return y
    }
}
