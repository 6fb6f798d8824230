/// Errors from optimizers and gradient clipping. Each message names the parameter or setting at fault.
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
    /// A hyperparameter is out of its valid range (e.g. a beta outside [0, 1), a negative learning rate).
    case invalidHyperparameter(String)
    /// A parameter or its gradient cannot be used (duplicate name, non-dense tensor, shape mismatch).
    case invalidParameter(name: String, reason: String)
    /// Saved optimizer state does not fit this optimizer or these parameters.
    case incompatibleState(String)

    public var description: String {
        switch self {
        case let .invalidHyperparameter(reason): return "invalid optimizer setting: \(reason)"
        case let .invalidParameter(name, reason): return "parameter '\(name)': \(reason)"
        case let .incompatibleState(reason): return "optimizer state does not match: \(reason)"
        }
    }
}
