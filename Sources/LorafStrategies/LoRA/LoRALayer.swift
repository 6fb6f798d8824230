import LorafModels
import LorafTensor

/// A Linear with low-rank updates (Hu et al. 2021), keyed by adapter name as PEFT's LoraLayer:
/// y = base(x) + Σₐ sₐ · Bₐ Aₐ dropoutₐ(x) over the adapters in use.
///
/// Children: `base_layer` (the wrapped Linear, frozen), `lora_A.<adapter>` (Linear in → r, no bias) and
/// `lora_B.<adapter>` (Linear r → out, no bias), so in-memory paths read
/// `...query.lora_A.default.weight` as in PEFT. In a mixed-adapter batch each row gets only its own adapter's
/// update. A merged adapter's update is already in the base weight and is skipped.
public final class LoRALinear: UnaryModule, AdapterWrapper {
    public override var kind: String { "LoRALinear" }
    var scaling: [String: Float] = [:]
    var dropout: [String: Float] = [:]
    var mergedAdapters: Set<String> = []

    init(base: UnaryModule) {
        super.init()
        register(child: "base_layer", base)
        register(child: "lora_A", Module())
        register(child: "lora_B", Module())
    }

    var loraA: Module { childIfPresent("lora_A")! } // registered in init, never removed
    var loraB: Module { childIfPresent("lora_B")! }

    /// The innermost linear layer (Float32 or quantized) under `base_layer` (which may itself be another strategy's wrapper).
    var baseLinear: LinearLayer? { innermostLinear(baseLayer) }

    /// Adapter names with an update in this layer.
    var adapterNames: [String] { loraA.childNames }

    public override var summaryLine: String {
        adapterNames.map { "\($0): r=\((loraA.childIfPresent($0) as? Linear)?.outFeatures ?? 0), s=\(scaling[$0] ?? 0)" }.joined(separator: "; ")
    }

    /// Adds adapter `name` with rank `r`, scale `scale` and branch dropout `p`; A and B drawn per `initialization`.
    func addAdapter(_ name: String, r: Int, scale: Float, p: Float, initialization: String, rng: inout RandomGenerator) throws {
        guard let linear = baseLinear else { throw StrategyError.invalidState("LoRA needs a Linear under \(baseLayer.kind)") }
        let a = Linear(inFeatures: linear.inFeatures, outFeatures: r, bias: false, initialization: .kaimingUniform, rng: &rng)
        let b = Linear(inFeatures: r, outFeatures: linear.outFeatures, bias: false, initialization: .zeros, rng: &rng)
        switch initialization {
        case "gaussian":
            let std = 1 / Float(r)
            for i in 0..<a.weight.count { a.weight.data[i] = rng.nextNormal() * std }
        case "random":
            let bound = 1 / Float(r).squareRoot()
            for i in 0..<b.weight.count { b.weight.data[i] = (rng.nextUniform() * 2 - 1) * bound }
        default:
            break
        }
        loraA.register(child: name, a)
        loraB.register(child: name, b)
        scaling[name] = scale
        dropout[name] = p
    }

    /// Removes adapter `name`; returns whether any adapter is left.
    func removeAdapter(_ name: String) -> Bool {
        loraA.removeChild(name)
        loraB.removeChild(name)
        scaling[name] = nil
        dropout[name] = nil
        mergedAdapters.remove(name)
        return !adapterNames.isEmpty
    }

    /// s · B A for adapter `name`: [out, in].
    func delta(_ name: String) throws -> Tensor {
        let a = try loraA.child(name) as? Linear, b = try loraB.child(name) as? Linear
        guard let a, let b, let s = scaling[name] else { throw StrategyError.unknownAdapter("no LoRA adapter '\(name)' here") }
        return try GradMode.disabled { try b.weight.matmul(a.weight) * s }
    }

    /// W ← W + sign · s · B A (fp32).
    func fold(_ name: String, sign: Float) throws {
        guard let linear = baseLinear else { throw StrategyError.invalidState("LoRA needs a Linear to merge into") }
        try linear.addToWeight(delta(name) * sign)
    }

    public override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        var y = try baseLayer.forward(x, context)
        for name in context.adaptersInUse where scaling[name] != nil && !mergedAdapters.contains(name) {
            let (down, p, s) = (try loraA.child(name), dropout[name] ?? 0, scaling[name] ?? 0)
            let h = try (down as? Linear)?.forwardDropped(x, p: p, context) ?? down.forward(context.dropout(x, p), context)
            let up = try loraB.child(name)
            let mask = try context.rowMask(for: name, like: x)
            if mask == nil, let up = up as? Linear {
                y = try up.forwardAdding(to: y, h, scale: s, context)  // one SGEMM into y's copy
            } else {
                var update = try up.forward(h, context) * s
                if let mask { update = try update * mask }
                y = try y + update
            }
        }
        return y
    }
}
