/// A readable summary instead of a wall of numbers, for REPLs and logs.
extension Tensor {
    /// Up to `fullUpTo` elements: `description` (every value). Larger tensors: the shape and dtype, then the first
    /// and last three values in row-major order and the minimum, maximum and mean (over finite and non-finite
    /// values alike; NaN shows as nan). Either form ends with the autodiff state when there is one:
    /// `requires grad` for a leaf that collects a gradient, `from matmul` for a recorded result.
    ///
    /// ```
    /// Tensor [2, 384] float32  values 0.1, -0.2, 0.3, ..., 0.5, 0.6, -0.7  min -2.1  max 3.4  mean 0.0012  requires grad
    /// ```
    public func summary(fullUpTo: Int = 16) -> String {
        let autodiff = operationName.map { "  from \($0)" } ?? (requiresGrad ? "  requires grad" : "")
        guard count > fullUpTo else { return description + autodiff }
        let values = scalars
        let shown = (values.prefix(3).map(formatScalar) + ["..."] + values.suffix(3).map(formatScalar)).joined(separator: ", ")
        var low = values[0], high = values[0], total = 0.0
        for value in values {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
            total += Double(value)
        }
        let mean = formatScalar(Float(total / Double(values.count)))
        return "Tensor \(shape) float32  values \(shown)  min \(formatScalar(low))  max \(formatScalar(high))  mean \(mean)" + autodiff
    }
}
