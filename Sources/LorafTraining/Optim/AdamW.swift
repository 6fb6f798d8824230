import Foundation
import LorafKernels
import LorafTensor

/// Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019),
/// computed exactly as `torch.optim.AdamW` (single-tensor path, `amsgrad=False`, `maximize=False`).
///
/// For each parameter `p` with gradient `g`, at its step `t` (1-based, counted per parameter), learning rate `lr`:
/// ```
/// p ← p · (1 − lr·λ)                      (only when weight decay applies to the name)
/// m ← m + (1 − β1)·(g − m)
/// v ← β2·v + (1 − β2)·g·g
/// p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
/// ```
/// Scalar coefficients are computed in Double and rounded to Float once, element arithmetic is Float32 in the
/// order above (torch's), so results match torch's CPU float32 to rounding and are bitwise reproducible here.
/// State: `exp_avg` (m), `exp_avg_sq` (v) and the step count per parameter name.
public final class AdamW: Optimizer {
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    /// λ, the decoupled weight decay factor.
    public let weightDecay: Double
    /// Whether weight decay applies to a parameter, by name.
    public let appliesWeightDecay: (String) -> Bool
    public var kind: String { "adamw" }

    private struct Moments {
        let expAvg: Tensor
        let expAvgSq: Tensor
        var step: Int
    }
    private var moments: [String: Moments] = [:]

    /// - Parameters:
    ///   - beta1, beta2: moment decay rates, each in [0, 1) (torch defaults 0.9, 0.999).
    ///   - epsilon: added to the denominator, >= 0 (default 1e-8).
    ///   - weightDecay: λ >= 0 (torch's AdamW default 0.01).
    ///   - appliesWeightDecay: which parameters decay (default ``WeightDecayExclusion/transformersDefault(_:)``:
    ///     not biases, not normalisation weights).
    /// - Throws: ``OptimizerError/invalidHyperparameter(_:)`` for a value out of range.
    public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01,
                appliesWeightDecay: @escaping (String) -> Bool = WeightDecayExclusion.transformersDefault) throws {
        try requireHyperparameter(beta1 >= 0 && beta1 < 1, "AdamW beta1 must be in [0, 1), got \(beta1)")
        try requireHyperparameter(beta2 >= 0 && beta2 < 1, "AdamW beta2 must be in [0, 1), got \(beta2)")
        try requireHyperparameter(epsilon >= 0 && epsilon.isFinite, "AdamW epsilon must be finite and >= 0, got \(epsilon)")
        try requireHyperparameter(weightDecay >= 0 && weightDecay.isFinite, "AdamW weight decay must be finite and >= 0, got \(weightDecay)")
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.appliesWeightDecay = appliesWeightDecay
    }

    public func step(_ parameters: [NamedParameter], learningRate: Double) throws {
        let updatable = try updatableParameters(parameters, learningRate: learningRate)
        for parameter in updatable {
            try requireStateShape(moments[parameter.name]?.expAvg, of: parameter)
        }
        let slots = updatable.map { parameter -> Moments in
            var slot = moments[parameter.name] ?? Moments(expAvg: Tensor(zeros: parameter.tensor.shape),
                                                          expAvgSq: Tensor(zeros: parameter.tensor.shape), step: 0)
            slot.step += 1
            moments[parameter.name] = slot
            return slot
        }
        // Parameters are independent: updated in parallel, each by the same element loop (the same bits).
        Parallel.forEach(chunks: updatable.count) { update(updatable[$0], slots[$0], learningRate: learningRate) }
    }

    /// The element loop for one parameter at `slot.step` (already incremented).
    private func update(_ parameter: UpdatableParameter, _ slot: Moments, learningRate: Double) {
        let t = Double(slot.step)
        let biasCorrection1 = 1 - pow(beta1, t)
        let biasCorrection2Root = Float((1 - pow(beta2, t)).squareRoot())
        let decays = weightDecay != 0 && appliesWeightDecay(parameter.name)
        let decayFactor = Float(1 - learningRate * weightDecay)
        let negativeStepSize = Float(-(learningRate / biasCorrection1))
        let oneMinusBeta1 = Float(1 - beta1), beta2 = Float(self.beta2), oneMinusBeta2 = Float(1 - self.beta2)
        let epsilon = Float(self.epsilon)
        parameter.tensor.storage.noteWritten()
        let p = parameter.tensor.data, g = parameter.grad.data
        let m = slot.expAvg.data, v = slot.expAvgSq.data
        for i in 0..<parameter.tensor.count {
            let gi = g[i]
            let pi = decays ? p[i] * decayFactor : p[i]
            let mi = m[i] + oneMinusBeta1 * (gi - m[i])
            let vi = v[i] * beta2 + oneMinusBeta2 * gi * gi
            m[i] = mi
            v[i] = vi
            p[i] = pi + negativeStepSize * (mi / (vi.squareRoot() / biasCorrection2Root + epsilon))
        }
    }

    public func state() -> OptimizerState {
        var buffers: [String: Tensor] = [:]
        var steps: [String: Int] = [:]
        for (name, slot) in moments {
            buffers["exp_avg." + name] = slot.expAvg.copy()
            buffers["exp_avg_sq." + name] = slot.expAvgSq.copy()
            steps[name] = slot.step
        }
        return OptimizerState(kind: kind, buffers: buffers, steps: steps)
    }

    public func restore(_ state: OptimizerState, for parameters: [NamedParameter]) throws {
        try state.validate(kind: kind, bufferNames: ["exp_avg", "exp_avg_sq"], for: parameters)
        let averages = state.buffers(named: "exp_avg"), squares = state.buffers(named: "exp_avg_sq")
        var restored: [String: Moments] = [:]
        for (name, step) in state.steps {
            guard let average = averages[name], let square = squares[name] else {
                throw OptimizerError.incompatibleState("parameter '\(name)' has a step count but lacks exp_avg or exp_avg_sq")
            }
            restored[name] = Moments(expAvg: average.copy(), expAvgSq: square.copy(), step: step)
        }
        guard restored.count == averages.count, restored.count == squares.count else {
            let orphan = Set(averages.keys).union(squares.keys).subtracting(restored.keys).sorted().first ?? ""
            throw OptimizerError.incompatibleState("parameter '\(orphan)' has moment buffers but no step count")
        }
        moments = restored
    }
}
