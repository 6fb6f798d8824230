import LorafTensor

/// A parameter with a gradient, checked for use by an optimizer: dense parameter, gradient of the same shape
/// (made dense when it is a view).
struct UpdatableParameter {
    let name: String
    let tensor: Tensor
    let grad: Tensor
}

/// The parameters of `parameters` that have a gradient, after checking that names are unique, tensors dense and
/// gradients the parameters' shapes, and that `learningRate` is finite and >= 0.
/// - Throws: ``OptimizerError`` naming the first offending parameter or the learning rate.
func updatableParameters(_ parameters: [NamedParameter], learningRate: Double) throws -> [UpdatableParameter] {
    guard learningRate.isFinite, learningRate >= 0 else {
        throw OptimizerError.invalidHyperparameter("learning rate must be finite and >= 0, got \(learningRate)")
    }
    var seen = Set<String>()
    var result: [UpdatableParameter] = []
    for (name, tensor) in parameters {
        guard seen.insert(name).inserted else {
            throw OptimizerError.invalidParameter(name: name, reason: "appears more than once in the parameter list")
        }
        guard let grad = tensor.grad else { continue }
        guard tensor.isContiguous else {
            throw OptimizerError.invalidParameter(name: name, reason: "is a non-dense view; optimizers update dense tensors")
        }
        guard grad.shape == tensor.shape else {
            throw OptimizerError.invalidParameter(name: name, reason: "gradient shape \(grad.shape) differs from parameter shape \(tensor.shape)")
        }
        result.append(UpdatableParameter(name: name, tensor: tensor, grad: grad.isContiguous ? grad : grad.copy()))
    }
    return result
}

/// Checks that existing optimizer state for `parameter` (nil when there is none yet) has its shape.
/// - Throws: ``OptimizerError/invalidParameter(name:reason:)`` when the parameter changed shape since its state was made.
func requireStateShape(_ state: Tensor?, of parameter: UpdatableParameter) throws {
    guard let state, state.shape != parameter.tensor.shape else { return }
    throw OptimizerError.invalidParameter(name: parameter.name, reason: "has shape \(parameter.tensor.shape) but its optimizer state has \(state.shape)")
}

/// Checks that a hyperparameter lies in a range, with torch's wording of the rule in the error.
func requireHyperparameter(_ ok: Bool, _ message: @autoclosure () -> String) throws {
    guard ok else { throw OptimizerError.invalidHyperparameter(message()) }
}
