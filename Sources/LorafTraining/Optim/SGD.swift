import LorafTensor

/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and coupled (L2) weight decay,
/// computed exactly as `torch.optim.SGD` (single-tensor path, `maximize=False`).
///
/// For each parameter `p` with gradient `g` and learning rate `lr`:
/// ```
/// d ← g + λ·p                              (only when weight decay applies to the name)
/// b ← d on the first step, else μ·b + (1 − τ)·d     (when μ ≠ 0)
/// d ← d + μ·b if nesterov, else b                   (when μ ≠ 0)
/// p ← p − lr·d
/// ```
/// with momentum μ, dampening τ, weight decay λ. Element arithmetic is Float32 with coefficients rounded once
/// from Double. State: `momentum_buffer` per parameter name (only when μ ≠ 0).
public final class SGD: Optimizer {
    public let momentum: Double
    public let dampening: Double
    public let nesterov: Bool
    /// λ, the L2 penalty added to the gradient.
    public let weightDecay: Double
    /// Whether weight decay applies to a parameter, by name.
    public let appliesWeightDecay: (String) -> Bool
    public var kind: String { "sgd" }

    private var momentumBuffers: [String: Tensor] = [:]

    /// - Parameters:
    ///   - momentum: μ >= 0 (default 0: plain SGD, no state).
    ///   - dampening: τ (default 0).
    ///   - nesterov: Nesterov momentum; needs μ > 0 and τ = 0, as in torch.
    ///   - weightDecay: λ >= 0 (default 0).
    ///   - appliesWeightDecay: which parameters decay (default ``WeightDecayExclusion/transformersDefault(_:)``).
    /// - Throws: ``OptimizerError/invalidHyperparameter(_:)`` for a value out of range.
    public init(momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0,
                appliesWeightDecay: @escaping (String) -> Bool = WeightDecayExclusion.transformersDefault) throws {
        try requireHyperparameter(momentum >= 0 && momentum.isFinite, "SGD momentum must be finite and >= 0, got \(momentum)")
        try requireHyperparameter(dampening.isFinite, "SGD dampening must be finite, got \(dampening)")
        try requireHyperparameter(weightDecay >= 0 && weightDecay.isFinite, "SGD weight decay must be finite and >= 0, got \(weightDecay)")
        try requireHyperparameter(!nesterov || (momentum > 0 && dampening == 0),
                                  "SGD nesterov momentum requires momentum > 0 and dampening 0, got momentum \(momentum), dampening \(dampening)")
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.appliesWeightDecay = appliesWeightDecay
    }

    public func step(_ parameters: [NamedParameter], learningRate: Double) throws {
        let updatable = try updatableParameters(parameters, learningRate: learningRate)
        for parameter in updatable {
            try requireStateShape(momentumBuffers[parameter.name], of: parameter)
        }
        for parameter in updatable {
            let existing = momentumBuffers[parameter.name]
            let buffer = momentum == 0 ? nil : existing ?? Tensor(zeros: parameter.tensor.shape)
            update(parameter, buffer: buffer, firstStep: existing == nil, learningRate: learningRate)
            if let buffer { momentumBuffers[parameter.name] = buffer }
        }
    }

    /// The element loop for one parameter; `buffer` is nil without momentum.
    private func update(_ parameter: UpdatableParameter, buffer: Tensor?, firstStep: Bool, learningRate: Double) {
        let decay = weightDecay != 0 && appliesWeightDecay(parameter.name) ? Float(weightDecay) : nil
        let momentum = Float(self.momentum), oneMinusDampening = Float(1 - dampening)
        let negativeLearningRate = Float(-learningRate)
        parameter.tensor.storage.noteWritten()
        let p = parameter.tensor.data, g = parameter.grad.data
        let b = buffer?.data
        for i in 0..<parameter.tensor.count {
            var d = g[i]
            if let decay { d = d + decay * p[i] }
            if let b {
                b[i] = firstStep ? d : b[i] * momentum + oneMinusDampening * d
                d = nesterov ? d + momentum * b[i] : b[i]
            }
            p[i] = p[i] + negativeLearningRate * d
        }
    }

    public func state() -> OptimizerState {
        var buffers: [String: Tensor] = [:]
        for (name, buffer) in momentumBuffers { buffers["momentum_buffer." + name] = buffer.copy() }
        return OptimizerState(kind: kind, buffers: buffers, steps: [:])
    }

    public func restore(_ state: OptimizerState, for parameters: [NamedParameter]) throws {
        try state.validate(kind: kind, bufferNames: ["momentum_buffer"], for: parameters)
        guard momentum != 0 || state.buffers.isEmpty else {
            throw OptimizerError.incompatibleState("saved momentum buffers, but this SGD has momentum 0")
        }
        momentumBuffers = state.buffers(named: "momentum_buffer").mapValues { $0.copy() }
    }
}
