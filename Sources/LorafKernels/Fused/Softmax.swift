extension Kernels {
    /// Rows processed per parallel chunk: about 64 Ki floats.
    static func rowGrain(cols: Int) -> Int { max(1, 65_536 / max(cols, 1)) }

    /// y[r, :] = softmax(x[r, :]) over each of `rows` rows of `cols` floats (contiguous, [rows×cols]).
    /// Max-subtracted: exp(x − max) / Σ exp(x − max). `y` may alias `x`.
    public static func softmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        guard cols > 0 else { return }
        let set = fused
        Parallel.forEach(count: rows, grain: rowGrain(cols: cols)) { range in set.softmaxRows(x, y, rows: range, cols: cols) }
    }

    /// Gradient of `softmaxRows`: dx = y ⊙ (dy − Σ_j dy·y) per row, from the forward output y. All [rows×cols];
    /// `dx` may alias `dy`.
    public static func softmaxRowsBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                           rows: Int, cols: Int) {
        guard cols > 0 else { return }
        let set = fused
        Parallel.forEach(count: rows, grain: rowGrain(cols: cols)) { range in
            set.softmaxRowsBackward(y: y, dy: dy, dx: dx, rows: range, cols: cols)
        }
    }

    /// y[r, :] = x − max − log Σ exp(x − max) per row (log-softmax, [rows×cols]). `y` may alias `x`.
    public static func logSoftmaxRows(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int) {
        guard cols > 0 else { return }
        let set = fused
        Parallel.forEach(count: rows, grain: rowGrain(cols: cols)) { range in set.logSoftmaxRows(x, y, rows: range, cols: cols) }
    }

    /// Gradient of `logSoftmaxRows`: dx = dy − exp(y) · Σ_j dy per row, from the forward output y ([rows×cols]).
    /// `dx` may alias `dy`.
    public static func logSoftmaxRowsBackward(y: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                                              rows: Int, cols: Int) {
        guard cols > 0 else { return }
        let set = fused
        Parallel.forEach(count: rows, grain: rowGrain(cols: cols)) { range in
            set.logSoftmaxRowsBackward(y: y, dy: dy, dx: dx, rows: range, cols: cols)
        }
    }

}
