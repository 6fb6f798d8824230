extension Kernels {
    /// Layer normalisation over the last axis (as torch.nn.LayerNorm): for each row of x [rows×cols],
    /// mean = Σx/cols, var = Σ(x − mean)²/cols (biased), rstd = 1/√(var + eps),
    /// y = (x − mean)·rstd·gamma + beta. `gamma`/`beta` [cols] may be nil (scale 1 / shift 0).
    /// Writes y [rows×cols] (may alias x) and saves mean, rstd [rows] for `layerNormBackward`.
    /// `centered: false` is RMS normalisation (Zhang & Sennrich 2019; Llama's RMSNorm): mean is taken as 0, so
    /// rstd = 1/√(Σx²/cols + eps) and y = x·rstd·gamma (+ beta).
    public static func layerNormForward(x: UnsafePointer<Float>, gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                                        y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                        rstd: UnsafeMutablePointer<Float>, rows: Int, cols: Int, eps: Float, centered: Bool = true) {
        guard cols > 0 else { return }
        let set = fused
        Parallel.forEach(count: rows, grain: rowGrain(cols: cols)) { range in
            set.layerNormRows(x: x, gamma: gamma, beta: beta, y: y, mean: mean, rstd: rstd, rows: range, cols: cols, eps: eps, centered: centered)
        }
    }

    /// Gradient of `layerNormForward` from dy, x [rows×cols] and the saved mean, rstd [rows]. With
    /// x̂ = (x − mean)·rstd and g = dy·gamma (dy when gamma is nil):
    /// dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) (overwritten), dgamma += Σ_rows dy·x̂, dbeta += Σ_rows dy
    /// (accumulated; skipped when nil, e.g. frozen parameters). dx may alias dy. `centered: false` is the RMS
    /// normalisation's gradient (mean 0 and no mean(g) term), as `layerNormForward` with `centered: false`.
    public static func layerNormBackward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, mean: UnsafePointer<Float>,
                                         rstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
                                         dx: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>?,
                                         dbeta: UnsafeMutablePointer<Float>?, rows: Int, cols: Int, centered: Bool = true) {
        guard cols > 0, rows > 0 else { return }
        let set = fused
        // Parameter gradients first: dx may alias dy. Column spans are whole vectors of the widest ISA.
        if dgamma != nil || dbeta != nil {
            Parallel.forEach(count: cols, grain: max(16, 65_536 / rows) / 16 * 16) { span in
                set.layerNormParameterGradients(dy: dy, x: x, mean: mean, rstd: rstd, dgamma: dgamma, dbeta: dbeta,
                                                rows: rows, cols: cols, span: span)
            }
        }
        Parallel.forEach(count: rows, grain: rowGrain(cols: cols)) { range in
            set.layerNormBackwardRows(dy: dy, x: x, mean: mean, rstd: rstd, gamma: gamma, dx: dx, rows: range, cols: cols, centered: centered)
        }
    }
}
