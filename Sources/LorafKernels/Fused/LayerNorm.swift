extension Kernels {
    /// Layer normalisation over the last axis (as torch.nn.LayerNorm): for each row of x [rows×cols],
    /// mean = Σx/cols, var = Σ(x − mean)²/cols (biased), rstd = 1/√(var + eps),
    /// y = (x − mean)·rstd·gamma + beta. `gamma`/`beta` [cols] may be nil (scale 1 / shift 0).
    /// Writes y [rows×cols] (may alias x) and saves mean, rstd [rows] for `layerNormBackward`.
    public static func layerNormForward(x: UnsafePointer<Float>, gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                                        y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                        rstd: UnsafeMutablePointer<Float>, rows: Int, cols: Int, eps: Float) {
        guard cols > 0 else { return }
        forEachRange(count: rows, grain: rowGrain(cols: cols)) { range in
            for r in range {
                let (xr, yr) = (x + r * cols, y + r * cols)
                var sums = Lanes()
                forEachLanes(count: cols) { i, live in sums += loadLanes(xr + i, live) }
                let mu = sums.sum() / Float(cols)
                var squares = Lanes()
                forEachLanes(count: cols) { i, live in
                    var d = loadLanes(xr + i, live) - mu
                    if live < Lanes.scalarCount { for l in live..<Lanes.scalarCount { d[l] = 0 } }
                    squares += d * d
                }
                let inverse = 1 / (squares.sum() / Float(cols) + eps).squareRoot()
                mean[r] = mu
                rstd[r] = inverse
                forEachLanes(count: cols) { i, live in
                    var v = (loadLanes(xr + i, live) - mu) * inverse
                    if let gamma { v *= loadLanes(gamma + i, live) }
                    if let beta { v += loadLanes(beta + i, live) }
                    storeLanes(v, yr + i, live)
                }
            }
        }
    }

    /// Gradient of `layerNormForward` from dy, x [rows×cols] and the saved mean, rstd [rows]. With
    /// x̂ = (x − mean)·rstd and g = dy·gamma (dy when gamma is nil):
    /// dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) (overwritten), dgamma += Σ_rows dy·x̂, dbeta += Σ_rows dy
    /// (accumulated; skipped when nil, e.g. frozen parameters). dx may alias dy.
    public static func layerNormBackward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, mean: UnsafePointer<Float>,
                                         rstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
                                         dx: UnsafeMutablePointer<Float>, dgamma: UnsafeMutablePointer<Float>?,
                                         dbeta: UnsafeMutablePointer<Float>?, rows: Int, cols: Int) {
        guard cols > 0, rows > 0 else { return }
        // Parameter gradients first: dx may alias dy.
        if dgamma != nil || dbeta != nil {
            forEachRange(count: cols, grain: max(Lanes.scalarCount, 65_536 / rows) / Lanes.scalarCount * Lanes.scalarCount) { span in
                for r in 0..<rows {
                    let (xr, dyr, mu, inv) = (x + r * cols, dy + r * cols, mean[r], rstd[r])
                    var i = span.lowerBound
                    while i < span.upperBound {
                        let live = min(Lanes.scalarCount, span.upperBound - i)
                        let g = loadLanes(dyr + i, live)
                        if let dgamma { storeLanes(loadLanes(dgamma + i, live) + g * (loadLanes(xr + i, live) - mu) * inv, dgamma + i, live) }
                        if let dbeta { storeLanes(loadLanes(dbeta + i, live) + g, dbeta + i, live) }
                        i += live
                    }
                }
            }
        }
        forEachRange(count: rows, grain: rowGrain(cols: cols)) { range in
            for r in range {
                let (xr, dyr, dxr, mu, inv) = (x + r * cols, dy + r * cols, dx + r * cols, mean[r], rstd[r])
                var gSum = Lanes(), gxSum = Lanes()
                forEachLanes(count: cols) { i, live in
                    var g = loadLanes(dyr + i, live)
                    if let gamma { g *= loadLanes(gamma + i, live) }
                    gSum += g
                    gxSum += g * (loadLanes(xr + i, live) - mu) * inv
                }
                let gMean = gSum.sum() / Float(cols), gxMean = gxSum.sum() / Float(cols)
                forEachLanes(count: cols) { i, live in
                    var g = loadLanes(dyr + i, live)
                    if let gamma { g *= loadLanes(gamma + i, live) }
                    let xhat = (loadLanes(xr + i, live) - mu) * inv
                    storeLanes(inv * (g - gMean - xhat * gxMean), dxr + i, live)
                }
            }
        }
    }
}
