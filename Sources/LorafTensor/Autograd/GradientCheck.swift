/// Compares the gradients autodiff computes with central finite differences, for testing an operation (a
/// built-in one, or a custom op defined with `Tensor.record`).
///
/// The scalar objective is L = Σ f(inputs) ⊙ R for a fixed random R, so every output element gets a distinct
/// weight. For each input element, the numeric derivative is (L(x + h) − L(x − h)) / 2h, evaluated in Float32
/// with the loss accumulated in Double.
///
/// Tolerance: with h = 1e-2 the truncation error is O(h² f‴) ≈ 1e-4 for the smooth ops here, and the Float32
/// rounding of each output, amplified by 1/2h, is ≈ 1e-7 · |L| / 2h ≈ 1e-5 per unit of |L|; so a relative error of
/// 1e-2 against max(1, max |∂L/∂x|) separates a correct gradient from a wrong one (a wrong rule is off by O(1)).
public enum GradientCheck {
    /// The worst disagreement found, relative to max(1, largest analytic derivative) of that input.
    public struct Report: CustomStringConvertible {
        public var worstRelativeError: Double
        public var worstInput: Int
        public var worstIndex: Int
        public var analytic: Float
        public var numeric: Float
        public var description: String {
            "input \(worstInput) element \(worstIndex): analytic \(analytic) vs numeric \(numeric) (relative error \(worstRelativeError))"
        }
    }

    /// Checks every element of every input that requires a gradient.
    /// - Parameters:
    ///   - inputs: leaves; those with `requiresGrad` are checked.
    ///   - step: the finite-difference step h.
    ///   - f: the function under test; must be deterministic (reseed any dropout inside it).
    public static func run(_ inputs: [Tensor], step: Float = 1e-2, seed: UInt64 = 7, _ f: ([Tensor]) throws -> Tensor) throws -> Report {
        var rng = RandomGenerator(seed: seed)
        let probe = try GradMode.disabled { try f(inputs) }
        let weights = Tensor(zeros: probe.shape)
        for i in 0..<weights.count { weights.data[i] = rng.nextUniform() * 2 - 1 }
        for x in inputs { x.zeroGrad() }
        let loss = try (f(inputs) * weights).sum()
        try loss.backward()

        func objective() throws -> Double {
            try GradMode.disabled {
                let y = try f(inputs).contiguous()
                var total: Double = 0
                for i in 0..<y.count { total += Double(y.data[i]) * Double(weights.data[i]) }
                return total
            }
        }
        var report = Report(worstRelativeError: 0, worstInput: -1, worstIndex: -1, analytic: 0, numeric: 0)
        for (which, x) in inputs.enumerated() where x.requiresGrad {
            let analytic = x.grad?.scalars ?? [Float](repeating: 0, count: x.count)
            let scale = max(1, analytic.map { Double(abs($0)) }.max() ?? 0)
            for i in 0..<x.count {
                let saved = x.data[i]
                x.data[i] = saved + step
                let plus = try objective()
                x.data[i] = saved - step
                let minus = try objective()
                x.data[i] = saved
                let numeric = (plus - minus) / (2 * Double(step))
                let error = abs(numeric - Double(analytic[i])) / scale
                if error > report.worstRelativeError || report.worstInput < 0 {
                    report = Report(worstRelativeError: error, worstInput: which, worstIndex: i, analytic: analytic[i], numeric: Float(numeric))
                }
            }
        }
        return report
    }
}
