import LorafTensor

/// A trainable tensor and the name its optimizer state is keyed by (unique within one optimizer).
public typealias NamedParameter = (name: String, tensor: Tensor)

/// Updates parameters in place from their accumulated gradients.
///
/// The training loop calls, per optimizer step: `backward()`, optionally ``clipGradientNorm(_:maxNorm:)``,
/// ``step(_:learningRate:)``, then ``zeroGrad(_:)``. State (moment estimates, momentum buffers, step counts) is
/// kept per parameter name, so a parameter list may be reordered between steps; ``state()`` and
/// ``restore(_:for:)`` save and resume it exactly (see ``OptimizerState``).
public protocol Optimizer: AnyObject {
    /// The ``OptimizerState/kind`` this optimizer writes and accepts (`"adamw"`, `"sgd"`).
    var kind: String { get }

    /// One update of every parameter whose `grad` is set; parameters with `grad == nil` are skipped and their
    /// state (including the step count) is left unchanged.
    /// - Parameters:
    ///   - parameters: the parameters, each a dense tensor; the gradient has the parameter's shape.
    ///   - learningRate: the step size for this step (finite, >= 0), typically from a ``LearningRateSchedule``.
    /// - Throws: ``OptimizerError`` for a duplicate name, a non-dense parameter, a gradient of another shape or an
    ///   invalid learning rate; nothing is updated when it throws.
    func step(_ parameters: [NamedParameter], learningRate: Double) throws

    /// A copy of the state, to save in a checkpoint.
    func state() -> OptimizerState

    /// Replaces the state with a saved one (copied).
    /// - Throws: ``OptimizerError/incompatibleState(_:)`` when `state` was written by another kind of optimizer,
    ///   or holds a buffer for a name missing from `parameters` or of another shape.
    func restore(_ state: OptimizerState, for parameters: [NamedParameter]) throws
}

extension Optimizer {
    /// Clears the gradient of every parameter (`grad = nil`), as `torch.optim.Optimizer.zero_grad(set_to_none=True)`.
    public func zeroGrad(_ parameters: [NamedParameter]) {
        for parameter in parameters { parameter.tensor.zeroGrad() }
    }
}
