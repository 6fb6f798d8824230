import LorafModels
import LorafStrategies
import LorafTensor

/// A Linear with IA³ scaling vectors (Liu et al. 2022, "Few-Shot Parameter-Efficient Fine-Tuning is Better and
/// Cheaper than In-Context Learning"), keyed by adapter name as PEFT's IA3Layer.
///
/// Children: `base_layer` (the wrapped layer, frozen) and `ia3_l`, which holds one parameter per adapter, so the
/// in-memory path reads `...attention.self.key.ia3_l.default` as in PEFT.
/// - Attention-style target: `ia3_l` is [out, 1] and scales the output, y = base(x) ⊙ l.
/// - Feed-forward target: `ia3_l` is [1, in] and scales the input, y = base(x ⊙ l).
/// Input [..., in] → output [..., out]. In a mixed-adapter batch each row is scaled by its own adapter only; a
/// merged adapter is already in the base weights and is skipped.
final class IA3Linear: UnaryModule {
    override var kind: String { "IA3Linear" }
    /// Whether each adapter scales this layer's input (feed-forward) or its output.
    private(set) var feedforward: [String: Bool] = [:]
    /// The base weight and bias from before `merge`, by merged adapter.
    private var originals: [String: (weight: Tensor, bias: Tensor?)] = [:]

    /// - Throws: `StrategyError.invalidOption` when `base` has no linear layer at the bottom of its wrapper chain.
    init(base: UnaryModule) throws {
        guard innermostLinear(base) != nil else {
            throw StrategyError.invalidOption("IA³ adapts linear layers; this is a \(base.kind)")
        }
        super.init()
        register(child: "base_layer", base)
        register(child: "ia3_l", Module())
    }

    var baseLayer: UnaryModule { childIfPresent("base_layer") as! UnaryModule } // registered in init, never removed
    private var scales: Module { childIfPresent("ia3_l")! } // registered in init, never removed
    /// The linear layer (Float32 or GGUF-quantized) at the bottom of the wrapper chain (init checked that there is one).
    var baseLinear: LinearLayer { innermostLinear(baseLayer)! }

    /// Adapter names with a vector here.
    var adapterNames: [String] { scales.parameterNames }
    /// Adapter `name`'s vector ([out, 1] or [1, in]), if it has one here.
    func scale(of name: String) -> Tensor? { scales.parameterIfPresent(name) }
    /// Whether adapter `name` is folded into the base weights.
    func isMerged(_ name: String) -> Bool { originals[name] != nil }

    override var summaryLine: String {
        adapterNames.map { "\($0): \(feedforward[$0] == true ? "input" : "output") scale" }.joined(separator: "; ")
    }

    /// Adds adapter `name`'s vector: ones (a new adapter leaves the layer unchanged) or, with `random`, N(0, 1)
    /// entries as PEFT's init_ia3_weights = false.
    func addAdapter(_ name: String, isFeedforward: Bool, random: Bool, rng: inout RandomGenerator) {
        let linear = baseLinear
        let shape = isFeedforward ? [1, linear.inFeatures] : [linear.outFeatures, 1]
        let vector = Tensor(repeating: 1, shape: shape)
        if random { for i in 0..<vector.count { vector.data[i] = rng.nextNormal() } }
        scales.register(parameter: name, vector)
        feedforward[name] = isFeedforward
    }

    /// Removes adapter `name`; returns whether any adapter is left.
    func removeAdapter(_ name: String) -> Bool {
        scales.removeParameter(name)
        feedforward[name] = nil
        originals[name] = nil
        return !adapterNames.isEmpty
    }

    /// Folds adapter `name` into the base layer: W ← W · diag(l) (feed-forward, columns) or diag(l) · W and
    /// b ← l ⊙ b (output scaling, rows). The weights from before are kept, so `unmerge` restores them exactly.
    func merge(_ name: String) throws {
        guard let l = scale(of: name), !isMerged(name) else { throw StrategyError.invalidState("IA³: cannot merge '\(name)' here") }
        guard let linear = baseLinear as? Linear else {
            throw StrategyError.invalidState("IA³: cannot merge '\(name)' into a \(baseLinear.kind): its weight stays in its quantized blocks")
        }
        originals[name] = (linear.weight.copy(), linear.bias?.copy())
        let w = linear.weight, columns = linear.inFeatures
        for row in 0..<linear.outFeatures {
            for column in 0..<columns {
                w.data[row * columns + column] *= feedforward[name] == true ? l.data[column] : l.data[row]
            }
        }
        if feedforward[name] != true, let b = linear.bias {
            for row in 0..<linear.outFeatures { b.data[row] *= l.data[row] }
        }
    }

    /// Restores the base weights from before `merge(name)`.
    func unmerge(_ name: String) throws {
        guard let (weight, bias) = originals.removeValue(forKey: name), let linear = baseLinear as? Linear else { return }
        try GradMode.disabled {
            try linear.weight.assign(weight)
            if let bias { try linear.bias?.assign(bias) }
        }
    }

    override func forward(_ x: Tensor, _ context: ForwardContext) throws -> Tensor {
        let inUse = context.adaptersInUse.filter { scale(of: $0) != nil && !isMerged($0) }
        var input = x
        for name in inUse where feedforward[name] == true { input = try scaled(input, name, context) }
        var y = try baseLayer.forward(input, context)
        for name in inUse where feedforward[name] != true { y = try scaled(y, name, context) }
        return y
    }

    /// `t` scaled by adapter `name`'s vector on the rows that use it.
    private func scaled(_ t: Tensor, _ name: String, _ context: ForwardContext) throws -> Tensor {
        guard let l = scale(of: name) else { return t }
        let result = try scaleLastAxis(t, by: l)
        guard let mask = try context.rowMask(for: name, like: t) else { return result }
        return try t + (result - t) * mask
    }
}
