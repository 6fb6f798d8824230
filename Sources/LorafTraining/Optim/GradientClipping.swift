import LorafKernels
import LorafTensor

/// What ``clipGradientNorm(_:maxNorm:)`` measured and did.
public struct GradientNorm: Equatable, Sendable {
    /// The global L2 norm of all gradients before clipping: √(Σ over parameters of ‖g‖²).
    public let norm: Double
    /// The factor the gradients were multiplied by: `maxNorm / (norm + 1e-6)` when that is below 1, else 1
    /// (also 1 when `norm` is not finite: nothing is scaled then).
    public let scale: Double
    /// Whether `norm` is finite. When it is not (a NaN or infinite gradient), the gradients are left untouched and
    /// the caller decides what to do, typically skip the optimizer step.
    public var isFinite: Bool { norm.isFinite }
}

/// Clips gradients by their global norm, as `torch.nn.utils.clip_grad_norm_` (2-norm, `error_if_nonfinite=False`,
/// but reporting a non-finite norm instead of scaling by NaN):
/// `total = √Σ‖g‖²`, `coef = maxNorm / (total + 1e-6)`, and every gradient is multiplied by `coef` when
/// `coef < 1`. Squares are summed in Double, each parameter's in element order (the parameters in parallel), then
/// the parameters' sums in parameter order (deterministic).
/// Parameters whose `grad` is nil are skipped.
/// - Parameters:
///   - parameters: the trainable parameters; gradients of any shape.
///   - maxNorm: the largest allowed global norm, finite and > 0.
/// - Returns: the pre-clip norm and the scale applied (see ``GradientNorm``).
/// - Throws: ``OptimizerError/invalidHyperparameter(_:)`` when `maxNorm` is not finite and positive.
@discardableResult
public func clipGradientNorm(_ parameters: [NamedParameter], maxNorm: Double) throws -> GradientNorm {
    try requireHyperparameter(maxNorm.isFinite && maxNorm > 0, "gradient clipping max norm must be finite and > 0, got \(maxNorm)")
    var grads: [Tensor] = []
    for parameter in parameters {
        guard let grad = parameter.tensor.grad else { continue }
        if grad.isContiguous {
            grads.append(grad)
        } else {
            let dense = grad.copy()
            parameter.tensor.grad = dense
            grads.append(dense)
        }
    }
    var sums = [Double](repeating: 0, count: grads.count)
    sums.withUnsafeMutableBufferPointer { sums in
        Parallel.forEach(chunks: grads.count) { sums[$0] = sumOfSquares(grads[$0].data, count: grads[$0].count) }
    }
    let total = sums.reduce(0, +).squareRoot()
    guard total.isFinite else { return GradientNorm(norm: total, scale: 1) }
    let coefficient = maxNorm / (total + 1e-6)
    guard coefficient < 1 else { return GradientNorm(norm: total, scale: 1) }
    let factor = Float(coefficient)
    Parallel.forEach(chunks: grads.count) { index in
        let g = grads[index].data
        for i in 0..<grads[index].count { g[i] *= factor }
    }
    return GradientNorm(norm: total, scale: coefficient)
}

/// Σ x² over `count` Floats, accumulated in Double in eight interleaved lanes then added lane by lane (a fixed
/// order, so the result is reproducible).
func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
    var lanes = SIMD8<Double>(repeating: 0)
    var i = 0
    while i + 8 <= count {
        let chunk = SIMD8<Double>(SIMD8<Float>(UnsafeBufferPointer(start: x + i, count: 8)))
        lanes += chunk * chunk
        i += 8
    }
    var total = 0.0
    for lane in 0..<8 { total += lanes[lane] }
    while i < count {
        let value = Double(x[i])
        total += value * value
        i += 1
    }
    return total
}
